"""Retropropagación a mano a través de una convolución y de un pooling.

Son las fórmulas de la página de teoría escritas con PyTorch; las pruebas las
comparan con autograd y con bucles de NumPy.
"""

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
# --8<-- [end:imports]


# --8<-- [start:conv_backward]
def conv_backward(x, kernel, grad_out):
    """Gradientes de y = x ⋆ K + b (un canal, paso 1, sin relleno).

    x: (H, W); kernel: (k, k); grad_out: G = ∂L/∂y, de forma (H − k + 1, W − k + 1).
    Devuelve (∂L/∂x, ∂L/∂K, ∂L/∂b):
    - ∂L/∂K(m, n) = Σ_ij G(i, j)·x(i + m, j + n): la entrada correlada con G.
    - ∂L/∂x(p, q) = Σ_ij G(i, j)·K(p − i, q − j): G con un marco de k − 1 ceros,
      correlado con K girado 180° (una convolución «completa»).
    - ∂L/∂b = Σ_ij G(i, j): el sesgo se suma en todas las posiciones.
    """
    k = kernel.shape[-1]
    if grad_out.shape != (x.shape[0] - k + 1, x.shape[1] - k + 1):
        raise ValueError(f"grad_out debe tener la forma de la salida, "
                         f"{(x.shape[0] - k + 1, x.shape[1] - k + 1)}; llegó {tuple(grad_out.shape)}")
    g = grad_out[None, None]
    grad_kernel = F.conv2d(x[None, None], g)[0, 0]
    grad_input = F.conv2d(F.pad(g, (k - 1,) * 4), kernel.flip(0, 1)[None, None])[0, 0]
    return grad_input, grad_kernel, grad_out.sum()
# --8<-- [end:conv_backward]


# --8<-- [start:max_pool_backward]
def max_pool_backward(x, grad_out, size=2):
    """∂L/∂x de un max pooling size×size con paso size, dados G = ∂L/∂y.

    Cada ventana solo deja pasar su máximo, así que solo él recibe gradiente:
    G(i, j) va entero a la posición del máximo de la ventana (i, j), y las
    demás reciben 0.
    """
    h, w = x.shape
    if h % size or w % size or grad_out.shape != (h // size, w // size):
        raise ValueError(f"se esperaba x con lados múltiplos de {size} y grad_out de "
                         f"{(h // size, w // size)}; llegó x {tuple(x.shape)} y "
                         f"grad_out {tuple(grad_out.shape)}")
    windows = x.reshape(h // size, size, w // size, size).transpose(1, 2)  # (h/s, w/s, s, s)
    windows = windows.reshape(h // size, w // size, size * size)
    grad = torch.zeros_like(windows)
    grad.scatter_(-1, windows.argmax(-1, keepdim=True), grad_out[..., None])
    return grad.reshape(h // size, w // size, size, size).transpose(1, 2).reshape(h, w)
# --8<-- [end:max_pool_backward]


# --8<-- [start:avg_pool_backward]
def avg_pool_backward(grad_out, size=2):
    """∂L/∂x de un average pooling size×size con paso size: G/size² a cada píxel de su ventana."""
    return grad_out.repeat_interleave(size, 0).repeat_interleave(size, 1) / size ** 2
# --8<-- [end:avg_pool_backward]
