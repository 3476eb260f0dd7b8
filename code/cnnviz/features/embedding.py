"""El vector final de características en 2D: PCA y t-SNE (scikit-learn)."""

import numpy as np
import torch

from .layers import check_digits


@torch.no_grad()
def feature_vectors(model, x, batch_size=500):
    """``model.features(x)`` por lotes: (N, 1, 28, 28) -> array (N, 1568)."""
    check_digits(x)
    return torch.cat([model.features(x[i:i + batch_size])
                      for i in range(0, len(x), batch_size)]).numpy()


# --8<-- [start:embed]
def embed_2d(features, method, seed=0):
    """Proyecta ``features`` (N, D) a (N, 2) con ``"pca"`` o ``"tsne"``."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 5:
        raise ValueError(f"se esperaba una matriz (N, D) con N >= 5; llegó {features.shape}")
    # Un solo hilo: con varios, el orden de las sumas (y el último bit) puede variar
    with threadpool_limits(1):
        if method == "pca":
            return PCA(n_components=2, random_state=seed).fit_transform(features)
        if method == "tsne":
            # Primero PCA a 50 dimensiones (más rápido y menos ruido), luego t-SNE
            reduced = PCA(n_components=min(50, *features.shape),
                          random_state=seed).fit_transform(features)
            # 500 iteraciones (250 con exageración inicial): basta con ~1000 puntos
            tsne = TSNE(n_components=2, perplexity=30, init="pca", max_iter=500,
                        random_state=seed)
            return tsne.fit_transform(reduced)
    raise ValueError(f"method debe ser «pca» o «tsne»; llegó {method!r}")
# --8<-- [end:embed]
