"""The built-in model: HST-UNet with pyramidal flow matching (docs/model.md is the model card).

    config.py      ModelConfig, ObjectiveConfig, TrainConfig, the size registry PRESETS (tiny, small, base)
    autoencoder.py the latent space: PatchPCA (8x8 patches -> whitened principal components)
    condition.py   ModelCondition (maps, vector, present) and `condition_from_lowered`
    attention.py   block-sparse temporal mask, spatial / temporal / cross-scale attention
    unet.py        HSTUNet (three scales, factorised space-time blocks, heads, guidance)
    refine.py      CrossFrameRefiner: z(k) = z(k-1) + f_phi(z(k-1)_i, z(k-1)_{i+1})
    objective.py   L = L_fm + λ1 L_flow + λ2 L_attention + λ3 L_refinement + λ4 L_style
    sampler.py     the flow-time convention (t = 0 noise, t = 1 data), `sample` (Euler), `sample_pyramid`
    pyramid.py     stage plans, corrected re-noising, history at reduced resolution
    warp.py        backward warping along a motion field
    data.py        synthetic clips -> cached latents and conditioning -> training batches
    checkpoint.py  one self-describing safetensors file: save_checkpoint / load_checkpoint
    train.py       the training loop (`hvg train`), resumable, EMA, DDP
"""
