"""Comprobación de la entrada de las CNN del sitio, con errores que dicen qué se esperaba."""

import torch


def check_input(x, size, channels=1):
    """Devuelve ``x`` si es un lote válido (N, channels, size, size); si no, un error claro.

    Válido: un ``torch.Tensor`` de coma flotante, con N ≥ 1 imágenes de
    ``channels`` canales de ``size``×``size`` píxeles y valores finitos. Un tensor
    de otro tipo de coma flotante (``float64``, ``float16``) se convierte a
    ``float32``, el tipo de los pesos. Lanza ``TypeError`` para un array de NumPy
    o un tensor de enteros, y ``ValueError`` para otra forma, un lote vacío o
    valores NaN o infinitos; cada mensaje dice la forma que acepta el modelo.
    """
    expected = f"(N, {channels}, {size}, {size})"
    if not isinstance(x, torch.Tensor):
        kind = f"{type(x).__module__}.{type(x).__name__}".removeprefix("builtins.")
        hint = " (conviértelo con torch.from_numpy(x).float())" if kind == "numpy.ndarray" else ""
        raise TypeError(f"se esperaba un torch.Tensor {expected}; llegó un {kind}{hint}")
    if not torch.is_floating_point(x):
        raise TypeError(f"se esperaba un tensor de coma flotante {expected}; llegó uno de "
                        f"tipo {x.dtype} (conviértelo con x.float())")
    if x.dim() != 4 or tuple(x.shape[1:]) != (channels, size, size):
        hint = " (para una sola imagen, añade la dimensión del lote: x[None])" \
            if tuple(x.shape) == (channels, size, size) else ""
        raise ValueError(f"se esperaba un tensor {expected}: N imágenes de {channels} "
                         f"canal(es) de {size}×{size} píxeles; llegó {tuple(x.shape)}{hint}")
    if x.shape[0] == 0:
        raise ValueError(f"el lote está vacío: se esperaba un tensor {expected} con N ≥ 1; "
                         f"llegó {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        bad = int((~torch.isfinite(x)).sum())
        raise ValueError(f"la entrada tiene {bad} valor(es) NaN o infinito(s); se esperaba "
                         f"un tensor {expected} de valores finitos")
    return x.float()
