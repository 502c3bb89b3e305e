"""Tree -> `hvg.ir.Scene`: evaluates `let`s, inlines `use`d files, expands groups and loops, builds IR nodes.

Errors found here (names, values, arity, recursion, limits, `use`) become diagnostics; the statement at fault is
left out and building goes on, so one run reports every independent mistake. Instances are named exactly as
docs/semantics.md says: `ball`, `ball[0]`, `palm@palms[1]`, `house@street@town[2][0]`, `palm@palms#2[0]`.

IR nodes are made with `model_construct`, without pydantic validation (building the IR's validators took a cold
`hvg check` about 30 ms, more than checking a program): every value is checked here first and has the exact type
validation would give it (floats for numbers, tuples for points, plain `str`s, never lark Tokens).
tests/lang/test_fast_check.py validates the IR of every example, conformance and generated program and compares.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Token, Tree

from hvg import ir, vocab
from hvg.diagnostics import Diagnostic
from hvg.lang import attributes, codes
from hvg.lang.attributes import BadValue, position, unquote
from hvg.lang.codes import Code
from hvg.lang.expressions import EvalError, evaluate
from hvg.lang.limits import MAX_BLOCKS, MAX_CALL_DEPTH, MAX_EXPANSIONS, MAX_INSTANCES
from hvg.lang.parser import parse
from hvg.lang.suggest import did_you_mean, one_of
from hvg.lang.uses import UseFrame, UseRefusal, UseResolver

TRANSITION_KINDS = ("cut", "smooth", "crossfade")


def seconds(value: float) -> str:
    """A time as the language writes it: `3s`, `0.25s`."""
    return f"{round(value, 6):g}s"


@dataclass
class EntitySite:
    file: str
    line: int
    column: int
    from_use: bool
    kind_line: int = 0          # where its kind (a word or quoted free words) is written
    kind_column: int = 0


@dataclass
class StyleSite:
    text: str
    free_words: bool
    file: str
    line: int
    column: int


@dataclass
class GroupDef:
    name: str
    params: list[str]
    body: Tree
    file: str
    line: int
    column: int


@dataclass
class BuildResult:
    """The IR (None only when nothing could be read) plus what the checks need to know about the source."""
    scene: ir.Scene | None
    diagnostics: list[Diagnostic]
    file: str
    entity_sites: dict[str, EntitySite] = field(default_factory=dict)
    style_sites: list[StyleSite] = field(default_factory=list)
    placed_entities: set[str] = field(default_factory=set)


@dataclass
class Scope:
    """Where statements are being expanded: values in reach, the instance path so far, the span they cover."""
    env: dict[str, float]
    start: float
    end: float
    file: str
    path: tuple[str, ...] = ()          # group-call labels, outermost first (`palms`, `palms#2`)
    indices: tuple[int, ...] = ()       # loop indices, outermost first
    calls: tuple[str, ...] = ()         # group names on the call chain, for recursion and depth
    # Calls per group in this body, for `#k`. A body is a block's, a chunk's, one group invocation's or one loop
    # iteration's: the second `palms(2)` in a block is `palms#2`; the same call in a chunk or the next block is not.
    counts: dict[str, int] = field(default_factory=dict)

    def instance(self, entity: str) -> str:
        return entity + "".join(f"@{label}" for label in reversed(self.path)) + \
            "".join(f"[{i}]" for i in self.indices)


class Builder:
    def __init__(self, file: str, root: Path, main_path: Path | None):
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.uses = UseResolver(root=root)
        name = self.uses.display(main_path) if main_path is not None else file
        self.uses.stack.append(UseFrame(main_path, name))
        self.video: dict[str, Any] = {}
        self.video_line: int | None = None
        self.entities: dict[str, ir.Entity] = {}
        self.entity_sites: dict[str, EntitySite] = {}
        self.groups: dict[str, GroupDef] = {}
        self.globals: dict[str, float] = {}
        self.global_lines: dict[str, int] = {}
        self.blocks: list[ir.Block] = []
        self.transitions: list[ir.Transition] = []
        self.used_files: list[str] = []
        self.style_sites: list[StyleSite] = []
        self.placed: set[str] = set()
        self.instances = 0
        self.expansions = 0              # group calls and loop iterations, against MAX_EXPANSIONS
        self.stopped = False             # set once the instance limit is hit: expanding further only wastes time
        self.use_failed = False          # a `use` could not be read: names it would define are not reported

    # -----------------------------------------------------------------------------------------------------------
    # Reporting
    # -----------------------------------------------------------------------------------------------------------

    def report(self, code: Code, line: int, column: int, message: str, help: str = "", file: str | None = None,
               end_column: int | None = None) -> None:
        self.diagnostics.append(code.at(file or self.file, line, column, message, help, end_column))

    def eval_failed(self, error: EvalError, file: str) -> None:
        if error.code is not None:
            self.report(error.code, error.line, error.column, error.message, error.help, file)

    def reporter(self, file: str):
        return lambda code, line, column, message, help="": self.report(code, line, column, message, help, file)

    # -----------------------------------------------------------------------------------------------------------
    # Program
    # -----------------------------------------------------------------------------------------------------------

    def build(self, tree: Tree, folder: Path) -> BuildResult:
        later: list[Tree] = []
        self.definitions(tree, self.file, folder, from_use=False, later=later)
        for item in later:
            if self.stopped and item.data == "block":
                continue
            if item.data == "block":
                self.block(item)
            elif item.data == "transition":
                self.transition(item)
        scene = self.scene()
        if self.use_failed:
            self.diagnostics = [d for d in self.diagnostics if not _maybe_from_failed_use(d)]
        return BuildResult(scene, self.diagnostics, self.file, self.entity_sites, self.style_sites, self.placed)

    def scene(self) -> ir.Scene:
        settings = {k: v for k, v in self.video.items() if not k.startswith("_")}
        video = ir.VideoSettings.model_construct(**settings, line=self.video_line or 0,
                                                 column=1 if self.video_line else 0)
        return ir.Scene.model_construct(video=video, entities=list(self.entities.values()), blocks=self.blocks,
                                        transitions=self.transitions, uses=self.used_files, line=1, column=1)

    def definitions(self, tree: Tree, file: str, folder: Path, from_use: bool, later: list[Tree]) -> None:
        """Entities, lets, groups, video and `use`s, in order; blocks and transitions are kept for later."""
        for item in tree.children:
            kind = item.data
            if kind == "use":
                self.use(item, file, folder)
            elif kind == "entity":
                self.entity(item, file, from_use)
            elif kind == "let":
                self.global_let(item, file)
            elif kind == "group":
                self.group(item, file)
            elif from_use and kind in ("video", "block", "transition"):
                line, column = position(item)
                self.report(codes.MISPLACED_STATEMENT, line, column,
                            f"a `use`d file may only hold definitions (entity, let, group), not a `{kind}`",
                            "move it into the scene that uses this file", file)
            elif kind == "video":
                self.video_statement(item, file)
            else:
                later.append(item)

    def use(self, node: Tree, file: str, folder: Path) -> None:
        token = node.children[0]
        written = unquote(token)
        line, column = position(node)
        resolved = self.uses.resolve(written, folder)
        if isinstance(resolved, UseRefusal):
            self.use_failed = True
            self.refuse(resolved, file, line, column)
            return
        cycle = self.uses.cycle(resolved, file, line, column)
        if cycle is not None:
            self.refuse(cycle, file, line, column)
            return
        if resolved in self.uses.loaded:
            return                                           # a diamond: already inlined once
        text = self.uses.read(resolved, written)
        if isinstance(text, UseRefusal):
            self.use_failed = True
            self.refuse(text, file, line, column)
            return
        self.uses.loaded.add(resolved)
        name = self.uses.display(resolved)
        self.used_files.append(name)
        used_file = _display_path(self.file, name)
        parsed = parse(text, used_file, positions=False)
        if parsed.tree is None:
            self.diagnostics.extend(parsed.diagnostics)
            self.use_failed = True
            return
        self.uses.stack.append(UseFrame(resolved, name, file, line, column))
        try:
            self.definitions(parsed.tree, used_file, resolved.parent, from_use=True, later=[])
        finally:
            self.uses.stack.pop()

    def refuse(self, refusal: UseRefusal, file: str, line: int, column: int) -> None:
        self.report(refusal.code, refusal.line or line, refusal.column or column, refusal.message, refusal.help,
                    refusal.file or file)

    def video_statement(self, node: Tree, file: str) -> None:
        line, column = position(node)
        if self.video_line is not None:
            self.report(codes.MISPLACED_STATEMENT, line, column,
                        f"the video is already described on line {self.video_line}", "keep one `video`", file)
            return
        self.video_line = line
        settings = attributes.video_settings(node.children[1], self.globals, file, self.reporter(file))
        for text, free, s_line, s_column in settings.pop("_style_sites"):
            self.style_sites.append(StyleSite(text, free, file, s_line, s_column))
        self.video = {"title": unquote(node.children[0]), **settings}

    def entity(self, node: Tree, file: str, from_use: bool) -> None:
        name_token, kind_node = node.children[0], node.children[1]
        attrs = node.children[2] if len(node.children) > 2 else None
        name = str(name_token)
        line, column = position(name_token)
        if name in self.entities:
            self.report(codes.DUPLICATE_DEFINITION, line, column,
                        f"`{name}` is already defined {self.where(self.entity_sites[name], file)}",
                        "give the second one another name", file)
            return
        kind, free = _kind(kind_node)
        try:
            attributes.vocabulary_word(kind, free, vocab.KINDS, "a kind", kind_node)
        except BadValue as bad:
            self.report(bad.code, *position(kind_node), bad.message, bad.help, file)
        values = attributes.entity_attributes(attrs, self.globals, file, self.reporter(file))
        style_site = values.pop("_style_site", None)
        if style_site:
            self.style_sites.append(StyleSite(style_site[0], style_site[1], file, style_site[2], style_site[3]))
        self.entities[name] = ir.Entity.model_construct(name=name, kind=kind, free_words=free, line=line,
                                                        column=column, **values)
        self.entity_sites[name] = EntitySite(file, line, column, from_use, *position(kind_node))

    def where(self, site: EntitySite | GroupDef, file: str) -> str:
        return f"on line {site.line}" if site.file == file else f"in {site.file} on line {site.line}"

    def global_let(self, node: Tree, file: str) -> None:
        name_token = node.children[0]
        name = str(name_token)
        line, column = position(name_token)
        if name in self.globals:
            self.report(codes.DUPLICATE_DEFINITION, line, column,
                        f"`{name}` is already defined on line {self.global_lines[name]}",
                        "a `let` cannot be changed; give the second one another name", file)
            return
        self.global_lines[name] = line
        try:
            self.globals[name] = evaluate(node.children[1], self.globals)
        except EvalError as error:
            self.globals[name] = math.nan       # known but valueless: its uses stay quiet
            self.eval_failed(error, file)

    def group(self, node: Tree, file: str) -> None:
        name_token, params_node, body = node.children
        name = str(name_token)
        line, column = position(name_token)
        if name in self.groups:
            self.report(codes.DUPLICATE_DEFINITION, line, column,
                        f"`{name}` is already defined {self.where(self.groups[name], file)}",
                        "give the second group another name", file)
            return
        params: list[str] = []
        for token in params_node.children:
            if str(token) in params:
                self.report(codes.DUPLICATE_DEFINITION, *position(token),
                            f"the parameter `{token}` is already listed", "", file)
            params.append(str(token))
        self.groups[name] = GroupDef(name, params, body, file, line, column)

    # -----------------------------------------------------------------------------------------------------------
    # Blocks, chunks, transitions
    # -----------------------------------------------------------------------------------------------------------

    def block(self, node: Tree) -> None:
        span, description, body = node.children
        line, column = position(node)
        if len(self.blocks) >= MAX_BLOCKS:
            self.report(codes.TOO_LARGE, line, column, f"the video has more than {MAX_BLOCKS} blocks, the limit",
                        "split the story into several videos")
            self.stopped = True
            return
        start, end = _span(span)
        scope = Scope(env=dict(self.globals), start=start, end=end, file=self.file)
        background: ir.Background | None = None
        camera: list[ir.CameraOp] = []
        camera_line = style_line = 0
        style: str | None = None
        placements: list[ir.Placement] = []
        chunks: list[ir.Chunk] = []
        for statement in body.children:
            kind = statement.data
            s_line, s_column = position(statement)
            if kind == "background":
                if background is not None:
                    self.report(codes.MISPLACED_STATEMENT, s_line, s_column,
                                f"the block already has a background (line {background.line})",
                                "keep one `background` per block")
                    continue
                background = self.background(statement)
            elif kind == "camera":
                if camera_line:
                    self.report(codes.MISPLACED_STATEMENT, s_line, s_column,
                                f"the block already has a camera statement (line {camera_line})",
                                "write all camera operations in one statement: `camera pan (0.1, 0) zoom 1.2`")
                    continue
                camera_line = s_line
                camera = self.camera(statement, scope)
            elif kind == "style":
                if style_line:
                    self.report(codes.MISPLACED_STATEMENT, s_line, s_column,
                                f"the block already has a style (line {style_line})", "keep one `style` per block")
                    continue
                style_line = s_line
                style = self.style(statement)
            elif kind == "chunk":
                chunk = self.chunk(statement, scope)
                if chunk is not None:
                    chunks.append(chunk)
            else:
                self.statement(statement, scope, placements, "a block")
        self.blocks.append(ir.Block.model_construct(
            start=start, end=end, description=unquote(description),
            background=background or ir.Background.model_construct(), camera=camera, style=style,
            placements=placements, chunks=chunks, line=line, column=column))

    def chunk(self, node: Tree, block_scope: Scope) -> ir.Chunk | None:
        span, description, body = node.children
        line, column = position(node)
        start, end = _span(span)
        scope = Scope(env=dict(block_scope.env), start=start, end=end, file=self.file)
        placements: list[ir.Placement] = []
        for statement in body.children:
            self.statement(statement, scope, placements, "a chunk")
        return ir.Chunk.model_construct(start=start, end=end, description=unquote(description),
                                        placements=placements, line=line, column=column)

    def background(self, node: Tree) -> ir.Background:
        kind_node = node.children[0]
        attrs = node.children[1] if len(node.children) > 1 else None
        line, column = position(node)
        kind, free = _kind(kind_node)
        try:
            attributes.vocabulary_word(kind, free, vocab.BACKGROUNDS, "a background", kind_node)
        except BadValue as bad:
            self.report(bad.code, *position(kind_node), bad.message, bad.help)
            kind, free = "plain", False
        values = attributes.background_attributes(attrs, self.globals, self.file, self.reporter(self.file))
        return ir.Background.model_construct(kind=kind, free_words=free, line=line, column=column, **values)

    def camera(self, node: Tree, scope: Scope) -> list[ir.CameraOp]:
        ops: list[ir.CameraOp] = []
        seen: set[str] = set()
        for op in node.children:
            line, column = position(op)
            name = op.data
            if name in seen:
                self.report(codes.MISPLACED_STATEMENT, line, column, f"`{name}` is given twice in one camera "
                            "statement", "keep one")
                continue
            seen.add(name)
            try:
                value: Any = None
                if name == "pan":
                    value = self.point(op.children[0], scope)
                elif name != "still":
                    value = evaluate(op.children[0], scope.env)
                    if name == "zoom" and value <= 0:
                        raise BadValue("a zoom factor must be greater than 0 (1 is the frame as written)",
                                       code=codes.BAD_NUMBER)
                    if name == "shake" and value < 0:
                        raise BadValue("a shake amplitude must be 0 or more", code=codes.BAD_NUMBER)
            except EvalError as error:
                self.eval_failed(error, self.file)
                continue
            except BadValue as bad:
                self.report(bad.code, line, column, bad.message, bad.help)
                continue
            ops.append(ir.CameraOp.model_construct(op=str(name), value=value, line=line, column=column))
        if "still" in seen and len(seen) > 1:
            self.report(codes.MISPLACED_STATEMENT, *position(node), "`still` cannot be combined with other "
                        "camera operations", "drop `still`, or the other operations")
        return ops

    def style(self, node: Tree) -> str | None:
        kind_node = node.children[0]
        text, free = _kind(kind_node)
        try:
            attributes.vocabulary_word(text, free, vocab.STYLES, "a style", kind_node)
        except BadValue as bad:
            self.report(bad.code, *position(kind_node), bad.message, bad.help)
            return None
        self.style_sites.append(StyleSite(text, free, self.file, *position(kind_node)))
        return text

    def transition(self, node: Tree) -> None:
        time_token, kind_token = node.children[0], node.children[1]
        duration_token = node.children[2] if len(node.children) > 2 else None
        line, column = position(node)
        kind = str(kind_token)
        if kind not in TRANSITION_KINDS:
            self.report(codes.UNKNOWN_VALUE, *position(kind_token),
                        f"`{kind}` is not a transition{did_you_mean(kind, TRANSITION_KINDS)}",
                        f"choose one of {one_of(TRANSITION_KINDS)}")
            return
        duration = _time(duration_token) if duration_token is not None else 0.0
        if kind == "cut" and duration_token is not None:
            self.report(codes.BAD_TRANSITION, *position(duration_token), "a cut has no duration",
                        "write `transition 3s cut`, or `smooth 0.5s` / `crossfade 0.5s` for a gradual one")
            return
        if kind != "cut" and duration <= 0:
            self.report(codes.BAD_TRANSITION, line, column,
                        f"a `{kind}` transition needs a duration greater than 0, like `transition "
                        f"{seconds(_time(time_token))} {kind} 0.5s`")
            return
        self.transitions.append(ir.Transition.model_construct(time=_time(time_token), kind=kind, duration=duration,
                                                              line=line, column=column))

    # -----------------------------------------------------------------------------------------------------------
    # Statements that place things: placements, group calls, loops, local lets
    # -----------------------------------------------------------------------------------------------------------

    def statement(self, node: Tree, scope: Scope, out: list[ir.Placement], where: str) -> None:
        if self.stopped:
            return
        kind = node.data
        if kind == "placement":
            placement = self.placement(node, scope)
            if placement is not None:
                out.append(placement)
        elif kind == "call":
            self.call(node, scope, out)
        elif kind == "repeat":
            self.repeat(node, scope, out)
        elif kind == "let":
            name_token = node.children[0]
            try:
                scope.env[str(name_token)] = evaluate(node.children[1], scope.env)
            except EvalError as error:
                scope.env[str(name_token)] = math.nan
                self.eval_failed(error, scope.file)
        else:
            line, column = position(node)
            owner = "its block" if where == "a chunk" else "a block"
            self.report(codes.MISPLACED_STATEMENT, line, column,
                        f"{where} cannot {_verb(kind)}; only {owner} can",
                        "move it into the block" if where != "a block" else "", scope.file)

    def placement(self, node: Tree, scope: Scope) -> ir.Placement | None:
        name_token, motion_node, *modifiers = node.children
        name = str(name_token)
        line, column = position(name_token)
        if name not in self.entities:
            self.undefined_entity(name, line, column, scope.file)
            return None
        try:
            motion = self.motion(motion_node, scope)
            extra = self.modifiers(modifiers, scope)
            self.check_instances(line, column, scope.file)
            if self.stopped:
                return None
            placement = ir.Placement.model_construct(entity=name, instance=scope.instance(name), motion=motion,
                                                     start=scope.start, end=scope.end, line=line, column=column,
                                                     **extra)
        except EvalError as error:
            self.eval_failed(error, scope.file)
            return None
        except BadValue as bad:
            b_line, b_column = position(bad.at) if bad.at is not None else (line, column)
            self.report(bad.code, b_line, b_column, bad.message, bad.help, scope.file)
            return None
        self.placed.add(name)
        return placement

    def undefined_entity(self, name: str, line: int, column: int, file: str) -> None:
        if name in self.groups:
            self.report(codes.UNDEFINED_NAME, line, column, f"`{name}` is a group, not an entity",
                        f"call it with its arguments: `{name}(...)`", file)
            return
        self.report(codes.UNDEFINED_NAME, line, column,
                    f"`{name}` is not defined{did_you_mean(name, self.entities)}",
                    f"define it first: `entity {name} = ball {{ color red }}`", file, column + len(name))

    def check_instances(self, line: int, column: int, file: str) -> None:
        self.instances += 1
        if self.instances > MAX_INSTANCES:
            self.report(codes.TOO_MANY_INSTANCES, line, column,
                        f"the program makes more than {MAX_INSTANCES} instances, over the limit",
                        "use fewer loop iterations or group calls", file)
            self.stopped = True

    def expand(self, line: int, column: int, file: str) -> bool:
        """Count one group call or loop iteration; False (and E008, once) past MAX_EXPANSIONS."""
        self.expansions += 1
        if self.expansions > MAX_EXPANSIONS:
            self.report(codes.TOO_MANY_INSTANCES, line, column,
                        f"groups and loops expand more than {MAX_EXPANSIONS} times, over the limit",
                        "use fewer nested group calls or loop iterations", file)
            self.stopped = True
            return False
        return True

    def motion(self, node: Tree, scope: Scope) -> Any:
        kind = node.data
        args = node.children
        if kind == "at":
            return ir.At.model_construct(pos=self.point(args[0], scope))
        if kind == "moves":
            points = [self.point(a, scope) for a in args if isinstance(a, Tree)]
            ease_token = next((a for a in args if isinstance(a, Token)), None)
            ease = _choice(ease_token, vocab.EASES, "an ease") if ease_token is not None else "linear"
            return ir.Moves.model_construct(path=points, ease=ease)
        if kind == "bounces":
            start, end = self.point(args[0], scope), self.point(args[1], scope)
            height = evaluate(args[2], scope.env)
            times = evaluate(args[3], scope.env) if len(args) > 3 else 1.0
            if times != int(times) or times < 1:
                raise BadValue("a bounce's `times` is a whole number of hops, 1 or more", code=codes.BAD_NUMBER,
                               at=args[3])
            if height < 0:
                raise BadValue("a bounce's height must be 0 or more", code=codes.BAD_NUMBER, at=args[2])
            return ir.Bounces.model_construct(start=start, end=end, height=height, times=int(times))
        if kind == "orbits":
            center = self.point(args[0], scope)
            radius = evaluate(args[1], scope.env)
            turns = evaluate(args[2], scope.env) if len(args) > 2 else 1.0
            if radius < 0:
                raise BadValue("an orbit's radius must be 0 or more", code=codes.BAD_NUMBER, at=args[1])
            return ir.Orbits.model_construct(center=center, radius=radius, turns=turns)
        if kind == "enters":
            side = _choice(args[0], vocab.SIDES, "a side of the frame")
            to = self.point(args[1], scope) if len(args) > 1 else None
            return ir.Enters.model_construct(side=side, to=to)
        if kind == "exits":
            return ir.Exits.model_construct(side=_choice(args[0], vocab.SIDES, "a side of the frame"))
        if kind == "keys":
            keyframes = []
            for key in args:
                k_line, k_column = position(key)
                keyframes.append(ir.Keyframe.model_construct(time=_time(key.children[0]),
                                                             pos=self.point(key.children[1], scope),
                                                             line=k_line, column=k_column))
            return ir.Keys.model_construct(keys=keyframes)
        raise AssertionError(f"unknown motion node {kind}")

    def modifiers(self, nodes: list[Tree], scope: Scope) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for node in nodes:
            name = {"resize": "size", "fades": "fades", "spins": "spins"}[node.data]
            if name in result:
                raise BadValue(f"`{name}` is given twice", help="keep one", code=codes.MISPLACED_STATEMENT, at=node)
            if name == "size":
                a, b = (evaluate(child, scope.env) for child in node.children)
                if a <= 0 or b <= 0:
                    raise BadValue("sizes must be greater than 0", code=codes.BAD_NUMBER, at=node)
                result["size"] = (a, b)
            elif name == "fades":
                result["fades"] = _choice(node.children[0], ("in", "out"), "a fade")
            else:
                result["spins"] = evaluate(node.children[0], scope.env)
        return result

    def point(self, node: Tree, scope: Scope) -> tuple[float, float]:
        x, y = node.children
        return (evaluate(x, scope.env), evaluate(y, scope.env))

    def call(self, node: Tree, scope: Scope, out: list[ir.Placement]) -> None:
        name_token, args_node = node.children
        name = str(name_token)
        line, column = position(name_token)
        group = self.groups.get(name)
        if group is None:
            hint = "define it with `group NAME(params) { ... }`"
            if name in self.entities:
                hint = f"`{name}` is an entity: place it with a motion, like `{name} at (0.5, 0.5)`"
            self.report(codes.UNDEFINED_NAME, line, column,
                        f"`{name}` is not defined{did_you_mean(name, self.groups)}", hint, scope.file)
            return
        given = len(args_node.children)
        if given != len(group.params):
            takes = f"{len(group.params)} argument{'s' if len(group.params) != 1 else ''}"
            self.report(codes.WRONG_ARGUMENT_COUNT, line, column,
                        f"group `{name}` takes {takes}, {given} given",
                        f"it is defined as `{name}({', '.join(group.params)})` {self.where(group, scope.file)}",
                        scope.file)
            return
        if name in scope.calls:
            chain = list(scope.calls[scope.calls.index(name):]) + [name]
            through = "" if len(chain) == 2 else " through " + ", ".join(f"`{g}`" for g in chain[1:-1])
            self.report(codes.RECURSIVE_GROUP, line, column, f"group `{name}` calls itself{through}",
                        "groups expand when the program is compiled, so they cannot recurse; "
                        "use `repeat` for a row of things", scope.file)
            return
        if len(scope.calls) >= MAX_CALL_DEPTH:
            self.report(codes.TOO_DEEP, line, column,
                        f"group calls are nested {len(scope.calls) + 1} deep, over the limit of {MAX_CALL_DEPTH}",
                        "", scope.file)
            self.stopped = True
            return
        if not self.expand(line, column, scope.file):
            return
        try:
            values = [evaluate(arg, scope.env) for arg in args_node.children]
        except EvalError as error:
            self.eval_failed(error, scope.file)
            return
        scope.counts[name] = count = scope.counts.get(name, 0) + 1
        label = name if count == 1 else f"{name}#{count}"
        env = dict(self.globals)
        env.update(zip(group.params, values))
        inner = Scope(env=env, start=scope.start, end=scope.end, file=group.file, path=scope.path + (label,),
                      indices=scope.indices, calls=scope.calls + (name,))
        for statement in group.body.children:
            self.statement(statement, inner, out, "a group")

    def repeat(self, node: Tree, scope: Scope, out: list[ir.Placement]) -> None:
        var_token, low_node, high_node, body = node.children
        line, column = position(node)
        try:
            low, high = evaluate(low_node, scope.env), evaluate(high_node, scope.env)
        except EvalError as error:
            self.eval_failed(error, scope.file)
            return
        if low != int(low) or high != int(high):
            self.report(codes.BAD_NUMBER, line, column,
                        f"a loop counts whole numbers, but its range is {low:g}..{high:g}", "", scope.file)
            return
        low, high = int(low), int(high)
        if high < low:
            self.report(codes.BACKWARDS_RANGE, line, column, f"the loop's range {low}..{high} runs backwards",
                        f"ranges are half-open and count up: `repeat i in {high}..{low}`", scope.file)
            return
        per_iteration = max(1, sum(1 for s in body.children if s.data == "placement"))
        if (high - low) * per_iteration > MAX_INSTANCES:
            self.report(codes.TOO_MANY_INSTANCES, line, column,
                        f"the loop makes {(high - low) * per_iteration} instances, over the limit of "
                        f"{MAX_INSTANCES}", "use fewer iterations", scope.file)
            return
        for i in range(low, high):
            if self.stopped or not self.expand(line, column, scope.file):
                return
            env = dict(scope.env)
            env[str(var_token)] = float(i)
            inner = Scope(env=env, start=scope.start, end=scope.end, file=scope.file, path=scope.path,
                          indices=scope.indices + (i,), calls=scope.calls)
            for statement in body.children:
                self.statement(statement, inner, out, "a loop")


# ---------------------------------------------------------------------------------------------------------------
# Small readers
# ---------------------------------------------------------------------------------------------------------------

def _kind(node: Tree) -> tuple[str, bool]:
    token = node.children[0]
    return (unquote(token), True) if token.type == "STRING" else (str(token), False)


def _time(token: Token) -> float:
    return float(str(token)[:-1])


def _span(node: Tree) -> tuple[float, float]:
    return _time(node.children[0]), _time(node.children[1])


def _choice(token: Token, allowed: tuple[str, ...], what: str) -> Any:
    text = str(token)
    if text not in allowed:
        raise BadValue(f"`{text}` is not {what}{did_you_mean(text, allowed)}",
                       help=f"choose one of {one_of(allowed)}", code=codes.UNKNOWN_VALUE, at=token)
    return text


def _verb(kind: str) -> str:
    return {"background": "set the background", "camera": "move the camera", "style": "set the style",
            "chunk": "hold a chunk"}.get(kind, f"hold a `{kind}`")


def _display_path(main_file: str, name: str) -> str:
    """How a used file is named in diagnostics: beside the main file as the user wrote it."""
    if main_file.startswith("<"):
        return name
    return (Path(main_file).parent / name).as_posix()


def build(tree: Tree, file: str, folder: Path, main_path: Path | None) -> BuildResult:
    """Build the IR of a parsed program. `folder` is the root of the tree `use` may read from."""
    root = Path(folder).resolve()
    builder = Builder(file, root, main_path.resolve() if main_path is not None else None)
    return builder.build(tree, root if main_path is None else main_path.resolve().parent)


def _maybe_from_failed_use(diagnostic) -> bool:
    """An "is not defined" error that a `use` which could not be read may well have defined: reporting it would
    bury the one real mistake under a cascade (the name is checked again once the `use` works)."""
    return diagnostic.code == codes.UNDEFINED_NAME.code and "is not defined" in diagnostic.message
