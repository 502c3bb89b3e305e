"""Offline video metrics: score a rendered video against its plan (`hvg eval`, `hvg bench`).

Each metric is a small pure function over numpy arrays, in one file per family:

- `fidelity`: PSNR and SSIM against the procedural reference;
- `opticalflow`: measuring backward optical flow on frames and warping with it;
- `coherence`: flicker and warping error (per frame pair and summarised);
- `flowcheck`: measured flow against the planned motion field (end-point error, cosine agreement);
- `seams`: coherence at block boundaries against coherence inside blocks;
- `boxes`, `detect`, `control`: a colour detector that never sees the plan's boxes, and IoU/centre error.

`score.score_video(frames, truth)` runs them all; `truth.plan_truth(timeline, preview)` builds what the plan says.
Conventions: frames are (n, h, w, 3) uint8; flow is BACKWARD, frame_k(p) ≈ frame_{k-1}(p + flow_k(p)), in
pixels, with flow[0] = 0; boxes are pixel xyxy (pixel i covers [i, i+1)) with NaN where not visible.
"""
