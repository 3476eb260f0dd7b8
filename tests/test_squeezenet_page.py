"""Lo que afirma la página de SqueezeNet, comprobado contra el modelo por otro camino.

Cada prueba recalcula el dato sin el código que lo genera: parámetros con la
fórmula de cada capa, campo receptivo perturbando píxeles, las medidas de los
filtros con álgebra lineal, Grad-CAM con el mapa de activación de clase de
``conv10`` y la correlación de Spearman con rangos de SciPy.
"""

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.stats import rankdata

from cnnviz import spanish
from cnnviz.figures import FIGURES
from cnnviz.imagenet import PHOTOS, class_name, classify, load_photo, preprocess
from cnnviz.imagenet import page_data as data
from cnnviz.imagenet.anatomy import _linearized, formula_receptive_fields
from cnnviz.imagenet.attribution import grad_cam
from cnnviz.imagenet.conv1_filters import COHERENCE_THRESHOLD, COLOR_THRESHOLD
from cnnviz.imagenet.model import FIRE_CHANNELS
from cnnviz.imagenet.prediction import shared_model
from cnnviz.site import facts, facts_squeezenet as F

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "visualizacion" / "squeezenet.md"


def numbers(text):
    """Los números de un texto en español («1 235 496», «0,60», «79 %») como float."""
    found = re.findall(r"\d+(?:[\u202f ]\d{3})*(?:,\d+)?", text)
    return [float(n.replace("\u202f", "").replace(" ", "").replace(",", ".")) for n in found]


@pytest.fixture(scope="module")
def model():
    return shared_model()


def test_page_uses_existing_figures_and_facts():
    text = PAGE.read_text()
    figures = set(re.findall(r"\{\{\s*figura:\s*([\w-]+)\s*\}\}", text))
    used = set(re.findall(r"\{\{\s*dato:\s*([\w-]+)\s*\}\}", text))
    assert figures and figures <= set(FIGURES)
    assert set(F.__all__) <= used <= set(facts.FACTS)


def test_parameters_by_formula(model):
    """k·k·entrada·salida + salida de cada convolución, con los canales de la definición."""
    def conv(i, o, k):
        return k * k * i * o + o
    total, channels = conv(3, 64, 3), 64
    for sq, e1, e3 in FIRE_CHANNELS.values():
        total += conv(channels, sq, 1) + conv(sq, e1, 1) + conv(sq, e3, 3)
        channels = e1 + e3
    total += conv(channels, 1000, 1)
    assert total == sum(p.numel() for p in model.parameters())
    assert numbers(F.sq_parametros()) == [total]
    alexnet = numbers(F.sq_alexnet())
    assert alexnet == [F.ALEXNET_PARAMS, round(F.ALEXNET_PARAMS / 1e6), total,
                       round(total / 1e6, 1), round(F.ALEXNET_PARAMS / total)]
    # La etapa con más parámetros es conv10 (pie de la figura)
    stages = {n: sum(p.numel() for p in m.parameters()) for n, m in model.named_children()}
    assert max(stages, key=stages.get) == "conv10"


def test_fire_module_saving(model):
    fire = model.fire2
    in_ch, out_ch = 64, 128
    plain = 3 * 3 * in_ch * out_ch + out_ch
    found = numbers(F.sq_fire_ahorro())
    assert found[1:4] == [in_ch, out_ch, sum(p.numel() for p in fire.parameters())]
    assert plain in found


def test_receptive_field_by_perturbing_pixels(model):
    """Un píxel encendido justo dentro del campo receptivo llega a la neurona central; justo fuera, no.

    En la copia lineal (pesos positivos, sin sesgos, pooling por media) la
    salida de una entrada con un solo píxel a 1 es positiva si y solo si ese
    píxel está en el campo receptivo.
    """
    linear = _linearized(model).double()
    fields = formula_receptive_fields(model)
    for stage in ("fire3", "fire5", "fire9"):
        head = torch.nn.Sequential()
        for name, module in linear.named_children():
            head.append(module)
            if name == stage:
                break
        with torch.no_grad():
            h = head(torch.zeros(1, 3, 227, 227, dtype=torch.float64)).shape[2]
            # Centro, en la entrada, de la neurona central: cada capa (k, p, s) lleva
            # la posición i de su salida a s·i − p + (k − 1)/2 de su entrada
            centre = h // 2
            for module in reversed(list(head)):
                if isinstance(module, torch.nn.ReLU):
                    continue
                k, p, st = ((3, 1, 1) if hasattr(module, "squeeze1x1") else
                            tuple(v if isinstance(v, int) else v[0] for v in
                                  (module.kernel_size, module.padding, module.stride)))
                centre = st * centre - p + (k - 1) // 2
            half = fields[stage][0] // 2
            reached = {}
            for offset in (-half - 1, -half, half, half + 1):
                x = torch.zeros(1, 3, 227, 227, dtype=torch.float64)
                x[0, :, centre, centre + offset] = 1.0
                reached[offset] = head(x)[0, :, h // 2, h // 2].sum().item() > 0
        assert reached == {-half - 1: False, -half: True, half: True, half + 1: False}, stage
    text = F.sq_campo_receptivo()
    r9 = fields["fire9"][0]
    assert numbers(text)[1:5] == [r9, r9, 227, 227] and r9 / 227 > 0.8      # «casi toda la foto»
    assert f"{fields['conv1'][0]}×{fields['conv1'][0]} de `conv1`" in text


def test_conv1_measures_with_linear_algebra(model):
    w = model.conv1.weight.detach().numpy()[:, ::-1]                 # (64, RGB, 3, 3)
    flat = w.transpose(0, 2, 3, 1).reshape(64, 9, 3)
    grey = np.ones(3) / np.sqrt(3)
    along_grey = flat @ grey                                          # proyección en (1,1,1)/√3
    color = 1 - (along_grey ** 2).sum(1) / (flat ** 2).sum((1, 2))
    lum = w.mean(axis=1)
    coherence = []
    for L in lum:
        gx = np.array([(L[i, j + 1] - L[i, j] + L[i + 1, j + 1] - L[i + 1, j]) / 2
                       for i in range(2) for j in range(2)])
        gy = np.array([(L[i + 1, j] - L[i, j] + L[i + 1, j + 1] - L[i, j + 1]) / 2
                       for i in range(2) for j in range(2)])
        g = np.stack([gx, gy])
        lo, hi = np.linalg.eigvalsh(g @ g.T)
        coherence.append((hi - lo) / (hi + lo) if hi + lo > 0 else 0.0)
    coherence = np.array(coherence)
    is_color = color > COLOR_THRESHOLD
    is_edge = ~is_color & (coherence > COHERENCE_THRESHOLD)
    n_color, n_total, n_edge, n_rest = numbers(F.sq_filtros_resumen())
    assert (n_color, n_total, n_edge) == (is_color.sum(), 64, is_edge.sum())
    assert n_rest == 64 - is_color.sum() - is_edge.sum()
    assert is_color.sum() > 0 and is_edge.sum() > 0                  # «unos… y otros…»


def test_top5_sentence(model):
    text = F.sq_top5_resumen()
    for name in data.TOP5_PHOTOS:
        index, label, p = classify(load_photo(name), k=1)[0]
        assert f"«{label}» ({spanish.percent(p, 1)})" in text
        if PHOTOS[name].expected is not None:
            assert index in PHOTOS[name].expected, name
    rocket = [i for i, _, _ in classify(load_photo("rocket"), k=5)]
    if 657 in rocket:
        assert f"«{class_name(657)}» está en el puesto {rocket.index(657) + 1}" in text


def test_conv10_mean_is_the_score(model):
    """«la media de cada mapa de conv10 es su puntuación»."""
    x = preprocess(load_photo("coffee"))
    with torch.no_grad():
        maps = torch.nn.Sequential(*list(model.children())[:-1])(x)    # hasta conv10
        assert maps.shape[1:] == (1000, 13, 13)
        assert torch.allclose(maps.mean(dim=(2, 3)), model(x), atol=1e-4)


def test_gradcam_equals_class_activation_map(model):
    """Con conv10 de 1×1 y la media, Grad-CAM en fire9 es ReLU(Σ_k w_ck A_k)/169 (CAM)."""
    image, maps, cut = data.pair_gradcam()
    x = preprocess(image)
    with torch.no_grad():
        acts = torch.nn.Sequential(*list(model.children())[:-2])(x)    # salida de fire9
        weights = model.conv10.weight[:, :, 0, 0]                      # (1000, 512)
    for c in data.PAIR_CLASSES:
        cam = (torch.relu(torch.einsum("k,khw->hw", weights[c], acts[0])) / 169).detach()
        assert torch.allclose(grad_cam(model, x, c), cam, atol=1e-5)
        up = torch.nn.functional.interpolate(cam[None, None], size=(227, 227), mode="bilinear",
                                             align_corners=False)[0, 0].numpy()
        assert np.allclose(up, maps[c], atol=1e-5)
    # La frase: la gata a la izquierda, el café a la derecha, con los porcentajes de la página
    column = int(round(cut * 227))
    shares = [maps[c][:, :column].sum() / maps[c].sum() for c in data.PAIR_CLASSES]
    assert shares[0] > 0.5 > shares[1]
    assert numbers(F.sq_gradcam_pares()) == [round(s * 100) for s in shares]
    assert f"«{classify(image, 1)[0][1]}»" in F.sq_foto_doble_top1()


def _spearman(a, b):
    ra, rb = rankdata(np.abs(a).ravel()), rankdata(np.abs(b).ravel())
    return np.corrcoef(ra, rb)[0, 1]


def test_sanity_sentence(model):
    from cnnviz.features.sanity import THRESHOLD

    target, rows = data.sanity()
    _, sal, cam, _, _ = rows[0]
    stages, sal_r, cam_r, rho_s, rho_c = rows[1]
    assert stages == ("conv10",)
    assert np.isclose(_spearman(sal, sal_r), rho_s, atol=1e-6)
    assert np.isclose(_spearman(cam, cam_r), rho_c, atol=1e-6)
    text = F.sq_cordura_resumen()
    assert numbers(text) == [10, round(rho_s, 2), THRESHOLD, round(rho_c, 2)]
    assert ("saliencia conserva" in text and
            ("y no la pasa" in text.split(";")[0]) == (rho_s >= THRESHOLD))
    assert ("y pasa la prueba" in text.split(";")[1]) == (rho_c < THRESHOLD)


def test_dataset_examples_are_the_top_activations(model):
    """Los recortes son los de mayor activación del canal en todo el conjunto, del lado del campo receptivo."""
    from cnnviz.imagenet.dataset_examples import POOL, POOL_TITLES, dataset

    labels, x = dataset()
    assert len(labels) == 6 * len(POOL) and set(POOL) == set(POOL_TITLES)
    fields = formula_receptive_fields(model)
    rows = data.channel_examples()
    for stage, channel, synthetic, patches in rows:
        head = torch.nn.Sequential()
        for name, module in model.named_children():
            head.append(module)
            if name == stage:
                break
        with torch.no_grad():
            peak = torch.cat([head(chunk)[:, channel].amax(dim=(1, 2)) for chunk in x.split(40)])
        best = torch.sort(peak, descending=True).values[:len(patches)].numpy()
        assert np.allclose([a for a, *_ in patches], best, rtol=1e-4)
        side = fields[stage][0]
        assert all(p.shape == (side, side, 3) for *_, p in patches)
        assert synthetic.shape[2] == 3 and 0 <= synthetic.min() and synthetic.max() <= 1
        assert f"`{stage}` c{channel}: " + ", ".join(
            sorted({POOL_TITLES[n] for _, n, _, _ in patches})) in F.sq_ejemplos_recortes()


def test_activation_maximization_beats_the_photos(model):
    """La imagen sintética activa su canal (media) más que cualquier foto del conjunto."""
    from cnnviz.imagenet.dataset_examples import dataset, maximize_channels
    from cnnviz.imagenet.preprocessing import MEAN_BGR

    _, x = dataset()
    stage, channel = data.channel_examples()[-1][:2]
    synthetic, value = maximize_channels(stage, [channel])
    head = torch.nn.Sequential()
    for name, module in model.named_children():
        head.append(module)
        if name == stage:
            break
    with torch.no_grad():
        photos = torch.cat([head(chunk)[:, channel].mean(dim=(1, 2)) for chunk in x.split(40)])
    assert value[0] > photos.max().item()
