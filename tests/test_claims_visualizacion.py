"""Las frases nuevas de la sección «Visualización de características», recalculadas aparte.

Cada valor que cita una frase de ``cnnviz.site.facts.visualizacion`` se
recalcula aquí por otro camino (NumPy, SciPy, scikit-learn, bucles
explícitos, el gradiente de autograd) sobre la misma red entrenada, y se
comprueba que la frase lo cita.
"""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.stats import rankdata

from cnnviz import results
from cnnviz.data import load_mnist_split
from cnnviz.site.facts import visualizacion as fv
from cnnviz.spanish import decimal, percent
from cnnviz.training import trained_model


@pytest.fixture(scope="module")
def model():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)            # como al generar las figuras
    net, _ = trained_model()
    for p in net.parameters():
        p.requires_grad_(False)
    yield net
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def split():
    return load_mnist_split()


def conv2_pre_relu(model, x):
    """Salida de conv2 antes de ReLU, escrita aquí capa a capa: (N, 32, 14, 14)."""
    return model.conv2(F.max_pool2d(F.relu(model.conv1(x)), 2))


# --- PCA y t-SNE ----------------------------------------------------------------

def test_pca_keeps_the_variance_the_text_says_and_pixels_are_the_baseline(model, split):
    from sklearn.neighbors import NearestNeighbors

    with torch.no_grad():
        features = torch.cat([model.features(split.x_test[i:i + 500])
                              for i in range(0, len(split.x_test), 500)]).numpy()
    values = features.astype(np.float64)
    singular = np.linalg.svd(values - values.mean(0), compute_uv=False)
    share = singular ** 2 / (singular ** 2).sum()
    assert fv.pca_varianza() == percent(share[:2].sum(), 0)
    text = fv.vecinos_proyecciones()
    assert f"conservan solo el {percent(share[:2].sum(), 0)}" in text or \
        f"conservan el {percent(share[:2].sum(), 0)}" in text
    assert f"(las 50 que recibe t-SNE, el {percent(share[:50].sum(), 0)})" in text
    # Vecino más cercano en los píxeles, con scikit-learn
    pixels = split.x_test.flatten(1).numpy().astype(np.float64)
    _, idx = NearestNeighbors(n_neighbors=2).fit(pixels).kneighbors(pixels)
    labels = split.y_test.numpy()
    same = (labels[idx[:, 1]] == labels).mean()
    assert f"en los 784 píxeles, sin pasar por la red, en el {percent(same, 0)}" in text
    vector = results.embedding().nearest_same["vector"]
    assert ("agrupa las clases mejor que los píxeles" in text) == (vector > same + 0.01)


# --- SmoothGrad -----------------------------------------------------------------

def _roughness(maps):
    """Rugosidad escrita aquí con NumPy: diferencias entre vecinos / valor medio."""
    m = np.abs(maps.numpy())
    steps = np.abs(np.diff(m, axis=-2)).mean() + np.abs(np.diff(m, axis=-1)).mean()
    return steps / m.mean()


def test_smoothgrad_sentence_cites_the_roughness(model, split):
    from cnnviz.features.smoothgrad import NOISE_LEVEL, SAMPLES, smoothgrad, smoothgrad_noise

    x, y = split.x_test[:4].clone().requires_grad_(True), split.y_test[:4]
    (grad,) = torch.autograd.grad(model(x).gather(1, y[:, None]).sum(), x)
    plain = _roughness(grad)
    text = fv.smoothgrad_rugosidad()
    assert f"la rugosidad baja de {decimal(plain)} (saliencia)" in text
    smooth = {}
    for level in fv.SMOOTHGRAD_LEVELS:
        maps = smoothgrad(model, split.x_test[:4], y, smoothgrad_noise(SAMPLES, level / split.std))
        smooth[level] = _roughness(maps)
        if level != NOISE_LEVEL:
            assert f"σ = {percent(level, 0)}, {decimal(smooth[level])}" in text
    assert f"a {decimal(smooth[NOISE_LEVEL])} (SmoothGrad)" in text
    drop = 1 - smooth[NOISE_LEVEL] / plain
    assert ("apenas suaviza" in text) == (drop < 0.2)
    assert f"un {percent(drop, 0)} menor" in fv.smoothgrad_limite()


# --- Prueba de cordura ----------------------------------------------------------

def _spearman(a, b):
    """Spearman como Pearson de los rangos (con empates promediados), con NumPy."""
    ra, rb = rankdata(a), rankdata(b)
    return np.corrcoef(ra, rb)[0, 1]


def test_signed_and_absolute_correlation_of_the_signed_maps(model, split):
    from cnnviz.features.evaluation import N_SANITY
    from cnnviz.features.methods import OCCLUSION_PATCH, OCCLUSION_STRIDE, attribution_methods
    from cnnviz.features.sanity import randomize

    methods = attribution_methods(split.mean, split.std)
    x, y = split.x_test[:N_SANITY], split.y_test[:N_SANITY]
    shuffled = randomize(model, ("fc",))
    # La capa de salida cambió y las demás no
    assert not torch.equal(shuffled.fc.weight, model.fc.weight)
    assert torch.equal(shuffled.conv1.weight, model.conv1.weight)
    text = fv.cordura_signo()
    background = (0.0 - split.mean) / split.std
    black = (x == background)[:, 0].numpy()
    for name in ("integrados", "oclusion"):
        a = methods[name](model, x, y).numpy().reshape(len(x), -1)
        b = methods[name](shuffled, x, y).numpy().reshape(len(x), -1)
        signed = np.mean([_spearman(u, v) for u, v in zip(a, b)])
        absolute = np.mean([_spearman(np.abs(u), np.abs(v)) for u, v in zip(a, b)])
        assert f"{decimal(signed)}" in text and f"{decimal(absolute)}" in text, name
    # Ceros que no dependen de los pesos: píxeles negros (integrados) y píxeles cuyos
    # parches de oclusión son todos negros, contados aquí píxel a píxel
    assert f"los píxeles negros, el {percent(black.mean(), 0)}" in text
    starts = range(0, 28 - OCCLUSION_PATCH + 1, OCCLUSION_STRIDE)
    fixed = np.zeros_like(black)
    for n in range(len(x)):
        for r in range(28):
            for c in range(28):
                covering = [(i, j) for i in starts for j in starts
                            if i <= r < i + OCCLUSION_PATCH and j <= c < j + OCCLUSION_PATCH]
                fixed[n, r, c] = all(black[n, i:i + OCCLUSION_PATCH, j:j + OCCLUSION_PATCH].all()
                                     for i, j in covering)
    assert f"parches enteramente negros, el {percent(fixed.mean(), 0)}" in text
    # Y esa atribución es (casi) 0 con la red entrenada y con la aleatorizada
    for net in (model, shuffled):
        occ = methods["oclusion"](net, x, y)[:, 0].numpy()
        assert np.abs(occ[fixed]).max() < 1e-4


def test_verdict_says_what_was_measured():
    from cnnviz.features.evaluation import attribution_report

    sanity = attribution_report()["sanity"]
    text = fv.cordura_veredicto()
    assert "|mapa|" in text and "así medida" in text
    for name, entry in sanity.items():
        article = fv._WITH_ARTICLE[name]
        assert article in text
        part = text.split("; ")[0 if entry["pasa"] else -1]
        assert article in part and ("baja de" in part) == entry["pasa"], name


def test_occlusion_stride_sentence():
    from cnnviz.features.methods import OCCLUSION_PATCH, OCCLUSION_STRIDE

    text = fv.cordura_pasos()
    n = len(range(0, 28 - OCCLUSION_PATCH + 1, OCCLUSION_STRIDE))
    assert f"{OCCLUSION_PATCH}×{OCCLUSION_PATCH} cada {OCCLUSION_STRIDE} píxeles" in text
    assert f"({n}×{n} posiciones)" in text


# --- Maximización de canales: neurona central y ejemplos reales -------------------

def test_conv2_window_is_the_receptive_field(model):
    # El gradiente de la neurona (i, j) de conv2 solo es distinto de 0 en su ventana
    noise = torch.randn(8, 1, 28, 28, generator=torch.Generator().manual_seed(1),
                        requires_grad=True)
    for i, j in ((7, 7), (0, 0), (3, 12)):
        (grad,) = torch.autograd.grad(conv2_pre_relu(model, noise)[:, :, i, j].sum(), noise)
        support = grad.abs().sum(dim=(0, 1)).numpy() > 0
        marked = np.zeros((28, 28), bool)
        marked[max(2 * i - 4, 0):2 * i + 6, max(2 * j - 4, 0):2 * j + 6] = True
        assert (support == marked).all(), (i, j)
        image = np.arange(28 * 28, dtype=float).reshape(28, 28) + 1
        window = results.conv2_window(image, i, j)
        assert window.shape == (results.CONV2_FIELD, results.CONV2_FIELD)
        assert sorted(window[window > 0]) == sorted(image[marked])


def test_channel_examples_against_a_plain_loop(model, split):
    ex = results.channel_examples()
    with torch.no_grad():
        maps = conv2_pre_relu(model, split.x_test)[:, :16].numpy()     # (N, 16, 14, 14)
        synthetic = conv2_pre_relu(model, ex.centre_images).numpy()
    assert np.allclose(ex.centre_values, [synthetic[k, k, 7, 7] for k in range(16)], atol=1e-4)
    assert np.allclose(ex.real_centre, maps[:, :, 7, 7].max(0), atol=1e-4)
    assert np.allclose(ex.real_mean, maps.mean(axis=(2, 3)).max(0), atol=1e-4)
    best = maps.reshape(len(maps), 16, -1).max(2)                       # (N, 16)
    labels = split.y_test.numpy()
    for k in range(16):
        order = np.argsort(-best[:, k], kind="stable")[:results.TOP_PATCHES]
        assert np.allclose(ex.top_values[k], best[order, k], atol=1e-4)
        assert (ex.top_digits[k] == labels[order]).all()
    text = fv.actmax_neurona_central()
    assert f"de {decimal(ex.centre_values.min(), 1)} a {decimal(ex.centre_values.max(), 1)}" in text
    assert f"llega a {decimal(ex.real_centre.min(), 1)}–{decimal(ex.real_centre.max(), 1)}" in text
    beats = int((ex.centre_values > ex.real_centre).sum())
    assert (f"en {beats} de los 16 canales" in text) or beats in (0, 16)


def test_channel_mean_sentence_compares_with_real_digits(model, split):
    res, ex = results.actmax_channels(), results.channel_examples()
    text = fv.actmax_canales_resumen()
    quiet = np.round(res.values, 2) < results.NEAR_ZERO
    if quiet.any():
        with torch.no_grad():
            maps = conv2_pre_relu(model, split.x_test)[:, :16].numpy()
        real = maps.mean(axis=(2, 3)).max(0)[quiet]
        assert f"va de {decimal(real.min())} a {decimal(real.max())})" in text
        wins = int((res.values > maps.mean(axis=(2, 3)).max(0)).sum())
        assert (f"en {wins} de los 16 canales" in text) or \
            (wins == 16 and "en los 16 canales, la imagen sintética" in text)
        peak = maps.reshape(len(maps), 16, -1).max(axis=(0, 2))[quiet]
        assert f"{decimal(peak.min(), 1)}–{decimal(peak.max(), 1)}" in text
        assert ("no son canales muertos" in text) == (peak.min() > 0)
    assert not re.search(r"\s{2}", text)


def test_conv_canales_says_which_channels_subtract(model):
    ex = results.multichannel()
    x, _ = results.examples((ex.digit,))
    with torch.no_grad():
        inputs = F.max_pool2d(F.relu(model.conv1(x)), 2)            # (1, 16, 14, 14)
        sums = {c: F.conv2d(inputs[:, c:c + 1], model.conv2.weight[ex.channel, c][None, None],
                            padding=1).sum().item() for c in ex.top}
    text = fv.conv_canales_signo()
    negative = [c for c in ex.top if sums[c] < 0]
    for c in ex.top:
        assert (f"{c} (suma {decimal(sums[c], 0)})" in text) == (c in negative), c
    assert ("aportan en positivo" in text) == (not negative)
    # La figura escribe esas mismas sumas bajo cada panel
    from cnnviz.figures.convolucion import fig_conv_canales
    labels = [ax.get_xlabel() for ax in fig_conv_canales().axes]
    for c in ex.top:
        assert f"suma {decimal(sums[c], 0)}" in labels


def test_deletion_and_sanity_sentence_follows_the_report():
    from cnnviz.features.evaluation import attribution_report

    report = attribution_report()
    areas = {n: e["area"] for n, e in report["borrado"].items() if n != "azar"}
    order = sorted(areas, key=areas.get)
    high = {n for n, e in report["sanity"].items() if not e["pasa"]}
    text = fv.borrado_y_cordura()
    assert fv._WITH_ARTICLE[order[0]] in text
    if high and set(order[:len(high)]) == high:
        assert "justo" in text and all(fv._WITH_ARTICLE[n] in text for n in high)
    assert "|mapa|" in text


# --- Ejercicios de la sección -----------------------------------------------------

def test_every_page_ends_with_solved_exercises_and_every_solution_is_used():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = root / "code" / "examples" / "ejercicios_visualizacion.py"
    defined = set(re.findall(r"# --8<-- \[start:(\w+)\]", code.read_text()))
    used = []
    for page in ("index", "filtros-mapas", "atribucion", "maximizacion", "cordura"):
        text = (root / "docs" / "visualizacion" / f"{page}.md").read_text()
        assert text.index("## Ejercicios") > text.rindex("\n## ") - 1, page   # la última sección
        exercises = re.split(r"^### \d+\. ", text[text.index("## Ejercicios"):], flags=re.M)[1:]
        assert 3 <= len(exercises) <= 6, page
        for exercise in exercises:
            assert exercise.count('??? success "Solución"') == 1, (page, exercise[:40])
            included = re.findall(r'--8<-- "code/examples/ejercicios_visualizacion.py:(\w+)"',
                                  exercise)
            # La solución con código muestra también lo que imprime
            assert exercise.count("{{ salida }}") == len(included), (page, exercise[:40])
            used += included
    assert sorted(used) == sorted(defined)          # cada solución, una vez
