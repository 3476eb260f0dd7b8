"""El ejemplo de pooling de la página, calculado a mano."""

import torch
import torch.nn.functional as F

from cnnviz.figures.teoria import fig_max_pooling
from cnnviz.pooling import POOL_EXAMPLE

# Bloques de 2x2 del ejemplo: [1 3 / 4 6], [2 1 / 5 0], [3 1 / 0 2], [9 8 / 7 4]
HAND_MAX = [[6., 5.], [3., 9.]]
HAND_MEAN = (1 + 3 + 2 + 1 + 4 + 6 + 5 + 0 + 3 + 1 + 9 + 8 + 0 + 2 + 7 + 4) / 16   # 56/16
HAND_AVG = [[(1 + 3 + 4 + 6) / 4, (2 + 1 + 5 + 0) / 4], [(3 + 1 + 0 + 2) / 4, (9 + 8 + 7 + 4) / 4]]


def test_max_pooling_by_hand():
    pooled = F.max_pool2d(POOL_EXAMPLE[None, None], kernel_size=2, stride=2)[0, 0]
    assert pooled.tolist() == HAND_MAX


def test_average_pooling_by_hand():
    pooled = F.avg_pool2d(POOL_EXAMPLE[None, None], kernel_size=2, stride=2)[0, 0]
    assert pooled.tolist() == HAND_AVG


def test_global_average_by_hand():
    assert HAND_MEAN == 3.5
    assert POOL_EXAMPLE.mean().item() == HAND_MEAN
    assert F.adaptive_avg_pool2d(POOL_EXAMPLE[None, None], 1).item() == HAND_MEAN


def test_figure_prints_the_same_numbers():
    fig = fig_max_pooling()
    ax_in, ax_out, ax_avg, ax_gap = fig.axes
    texts = lambda ax: [t.get_text() for t in ax.texts]  # noqa: E731
    assert sorted(texts(ax_in)) == sorted(f"{v:g}" for v in POOL_EXAMPLE.flatten().tolist())
    assert sorted(texts(ax_out)) == sorted(f"{v:g}" for row in HAND_MAX for v in row)
    assert sorted(texts(ax_avg)) == sorted(f"{v:.1f}".replace(".", ",")
                                           for row in HAND_AVG for v in row)
    assert "3,5" in texts(ax_gap)          # coma decimal, como pide la RAE
    # En la entrada, en negrita exactamente el máximo de cada bloque
    bold = sorted(t.get_text() for t in ax_in.texts if t.get_fontweight() == "bold")
    assert bold == sorted(["6", "5", "3", "9"])
