"""Lowering: a checked Scene -> per-block conditioning tensors and initial noise (docs/lowering.md).

    conditioning.lower(scene, block_index)   -> Conditioning (every tensor's shape is listed there)
    noise.make_noise(kind, shape, ...)       -> (c, t, h, w) warped | freenoise | iid initial noise
    embed.embed(texts), embed.nearest_vocabulary(words, vocabulary)
    scene.lower_scene(scene), scene.scene_noise(conditionings, seed=...)
    dump.dump_tensors(scene, path)           -> one .safetensors with every block
    inspect.inspect_image(scene, block, path) -> the `hvg inspect` picture

Modules import torch; this package file imports nothing, so `import hvg.lower` stays cheap.
"""
