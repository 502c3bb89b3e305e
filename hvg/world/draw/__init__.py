"""Drawing the built-in world: sprites for every kind, world-space backgrounds, weather, styles.

`hvg.world.preview.render_preview` puts these together frame by frame; `hvg.world.draw.handmade` builds small
timelines by hand (tests, gallery, benchmarks).
"""
