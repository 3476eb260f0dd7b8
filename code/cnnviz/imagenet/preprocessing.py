"""De una foto RGB a la entrada de SqueezeNet, con la convención de Caffe.

La red se entrenó con imágenes en BGR, con valores de 0 a 255 a los que se
resta la media de cada canal en ImageNet. La foto se reescala entera a
227×227 (sin recortar: si no es cuadrada, se deforma un poco).
"""

import numpy as np
import torch

from .model import INPUT_SIZE

# Media de ImageNet de cada canal, en el orden B, G, R
MEAN_BGR = (103.939, 116.779, 123.68)
MIN_SIDE = 32             # lado mínimo aceptado, en píxeles


def check_image(image):
    """La foto como array ``uint8`` de alto×ancho×3 (RGB), o un error que dice qué falta.

    - Escala de grises (alto×ancho): se repite en los tres canales.
    - RGBA: se quita el canal alfa si la foto es opaca; con transparencia, error.
    - Valores reales (float) o de otro tipo: error; se espera ``uint8`` de 0 a 255.
    - Menos de ``MIN_SIDE`` píxeles de lado: error.
    """
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    if not isinstance(image, np.ndarray):
        raise TypeError(f"se esperaba una foto como array de NumPy (alto×ancho×3, uint8); "
                        f"llegó {type(image).__name__}")
    if image.dtype != np.uint8:
        hint = (" Si tus valores están entre 0 y 1, conviértela con "
                "`skimage.util.img_as_ubyte(foto)`." if image.dtype.kind == "f" else "")
        raise ValueError(f"se esperaba una foto de enteros uint8 (de 0 a 255); llegó "
                         f"una de tipo {image.dtype}.{hint}")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.ndim == 3 and image.shape[2] == 4:
        if (image[:, :, 3] != 255).any():
            raise ValueError("la foto es RGBA y tiene zonas transparentes: compónla sobre un "
                             "fondo (p. ej. con `skimage.color.rgba2rgb`) y pasa solo los "
                             "tres canales RGB")
        image = image[:, :, :3]
    elif image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"se esperaba una foto de alto×ancho×3 (RGB) o alto×ancho (gris); "
                         f"llegó una de forma {tuple(image.shape)}")
    if min(image.shape[:2]) < MIN_SIDE:
        raise ValueError(f"la foto es demasiado pequeña ({image.shape[0]}×{image.shape[1]} "
                         f"píxeles): hacen falta al menos {MIN_SIDE} de lado")
    return image


def resize_rgb(image, size=INPUT_SIZE):
    """Foto RGB ``uint8`` reescalada a size×size, como ``float32`` de 0 a 255.

    Interpolación bilineal con antialias (al reducir, cada píxel promedia la
    zona que cubre), con PyTorch: veinte veces más rápida que scikit-image.
    """
    import torch.nn.functional as F

    image = check_image(image)
    x = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None].float()
    out = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True,
                        align_corners=False)
    return out[0].permute(1, 2, 0).clamp(0, 255).numpy()


def preprocess(image):
    """Tensor (1, 3, 227, 227) para SqueezeNet: BGR, 0–255, menos la media de cada canal."""
    rgb = resize_rgb(image)
    bgr = rgb[:, :, ::-1] - np.asarray(MEAN_BGR, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(bgr.transpose(2, 0, 1)))[None]


def deprocess(x):
    """Inversa de ``preprocess`` para dibujar: (1, 3, H, W) o (3, H, W) -> H×W×3 RGB en [0, 1]."""
    x = x.detach().cpu()
    if x.ndim == 4:
        x = x[0]
    bgr = x.numpy().transpose(1, 2, 0) + np.asarray(MEAN_BGR, dtype=np.float32)
    return np.clip(bgr[:, :, ::-1] / 255.0, 0, 1)
