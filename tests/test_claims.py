"""Cada frase que describe una figura o un resultado dice lo que muestran los datos.

Las frases se generan al construir (``cnnviz.site.facts``) con los valores de
``cnnviz.results``. Aquí cada valor se recalcula por otro camino sobre la
misma red entrenada (bucles explícitos, captum, scikit-learn, NumPy) y se
comprueba que la frase lo cita. Si un reentrenamiento cambia las figuras,
cambian las frases y estas pruebas lo siguen comprobando.
"""

import re
import runpy
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.ndimage import binary_dilation

from cnnviz import results
from cnnviz.features.embedding import embed_2d
from cnnviz.site import facts
from cnnviz.site.facts import bordes as facts_bordes
from cnnviz.site.facts import general
from cnnviz.site.facts import teoria as facts_teoria
from cnnviz.site.facts import visualizacion as facts_visualizacion
from cnnviz.spanish import decimal, integer, percent, percent_range

ROOT = Path(__file__).resolve().parent.parent


def first_correct(model, split, classes):
    """Primer dígito de prueba bien clasificado de cada clase (calculado aquí, aparte)."""
    with torch.no_grad():
        preds = model(split.x_test).argmax(1)
    idx = []
    for c in classes:
        idx.append(next(i for i in range(len(preds))
                        if split.y_test[i] == c and preds[i] == c))
    return split.x_test[idx], split.y_test[idx]


def near_stroke(x, split):
    """Trazo (intensidad > 0,5) y un píxel alrededor: (N, 28, 28)."""
    pixels = (x[:, 0] * split.std + split.mean).numpy()
    return np.stack([binary_dilation(p > 0.5) for p in pixels])


# --- Que las páginas usan los datos que existen, y todos ------------------------

def test_every_fact_is_used_and_every_used_fact_exists():
    used = set()
    for page in (ROOT / "docs").rglob("*.md"):
        used |= set(re.findall(r"\{\{\s*dato:\s*([\w-]+)\s*\}\}", page.read_text()))
    assert used <= set(facts.FACTS), used - set(facts.FACTS)
    assert set(facts.FACTS) <= used, f"datos sin usar: {set(facts.FACTS) - used}"


NOT_SPANISH = re.compile(r"\d\.\d|(?<![\w`$])-\d")


@pytest.mark.parametrize("name", sorted(facts.FACTS))
def test_facts_write_numbers_in_spanish(name):
    text = re.sub(r"`[^`]*`", "", facts.FACTS[name]())     # el código va tal cual
    assert not NOT_SPANISH.search(text.replace("{,}", ",")), text
    for number in re.findall(r"(?<![\d\u202f,])\d{5,}", text):
        pytest.fail(f"{name}: «{number}» sin espacio fino de millares")


# --- Teoría -------------------------------------------------------------------

def test_exactitud(model, split):
    with torch.no_grad():
        accuracy = (model(split.x_test).argmax(1) == split.y_test).float().mean().item()
    assert general.exactitud_test() == percent(accuracy, 1)
    assert general.n_test() == integer(len(split.y_test))
    assert general.n_train() == integer(len(split.y_train))


def test_conv_canales(model, split):
    x, _ = first_correct(model, split, (2,))
    with torch.no_grad():
        h = model.pool1(F.relu(model.conv1(x)))
        out = model.conv2(h)[0]
        o = int(out.amax(dim=(1, 2)).argmax())
        parts = torch.stack([F.conv2d(h[:, c:c + 1], model.conv2.weight[o:o + 1, c:c + 1],
                                      padding=1)[0, 0] for c in range(16)])
    torch.testing.assert_close(parts.sum(0) + model.conv2.bias[o], out[o], atol=1e-4,
                               rtol=1e-4)
    totals = parts.abs().sum(dim=(1, 2)).numpy()
    top = list(np.argsort(-totals)[:3])
    text = facts_teoria.conv_canales_resumen()
    assert f"el canal {o} de `conv2`" in text
    assert f"Los canales {top[0]}, {top[1]} y {top[2]}," in text
    assert f"suman el {percent(totals[top].sum() / totals.sum(), 0)}" in text
    if totals.max() / totals.sum() < 0.5:
        assert f"Ningún canal de entrada pasa del {percent(totals.max() / totals.sum(), 0)}" in text
    # Los que aportan en negativo, con su suma (recalculada con el bucle de arriba)
    sums = parts.sum(dim=(1, 2)).numpy()
    negative = [c for c in top if sums[c] < 0]
    for c in negative:
        assert decimal(sums[c], 0) in text
    assert ("en negativo" in text) == bool(negative)
    rest = [c for c in range(len(sums)) if c not in top]
    limit = max(parts.abs().max().item(), out[o].abs().max().item(),
                parts[rest].sum(0).abs().max().item())
    peak = max(parts[c].abs().max().item() for c in top)
    assert ("se ven pálidos" in text) == (peak < 0.5 * limit)


def test_cuatro_filtros_opuestos_y_respuesta_a_un_borde():
    """Pie: los filtros 0 y 1 (y 2 y 3) son opuestos y sus mapas también; texto:
    responden en positivo donde la imagen pasa de oscuro a claro en su dirección."""
    from cnnviz.data import sample_photo
    from cnnviz.filters import FOUR_FILTERS, apply_filters

    kernels = torch.stack(list(FOUR_FILTERS.values()))
    maps = apply_filters(sample_photo("camera", size=64), kernels)
    torch.testing.assert_close(maps[1], -maps[0])
    torch.testing.assert_close(maps[3], -maps[2])
    step = torch.zeros(8, 8)
    step[:, 4:] = 1                                        # oscuro → claro hacia la derecha
    response = apply_filters(step, kernels)
    assert response[0].max() > 0 and response[0].min() >= 0    # vertical, oscuro → claro
    assert response[1].max() <= 0                             # vertical, claro → oscuro
    assert response[2].abs().max() == 0                       # horizontal: no lo ve


# --- Filtros y bordes ----------------------------------------------------------

def test_cielo_bordes_con_el_codigo_de_la_pagina():
    """La frase usa el mismo recuadro de cielo que el bloque de código de la página."""
    import cnnviz.filters

    # En la página, el bloque va tras el código de cnnviz/filters.py (filtros e importaciones)
    namespace = runpy.run_path(str(ROOT / "code" / "examples" / "bordes.py"),
                               init_globals=dict(vars(cnnviz.filters)))
    ratios = (namespace["sky"].abs().mean(dim=(1, 2)) /
              namespace["maps"].abs().mean(dim=(1, 2))).tolist()
    text = facts_bordes.cielo_bordes()
    for ratio, name in zip(ratios, ("el laplaciano", "Sobel x", "Sobel y")):
        assert ratio < 0.5
        assert f"el {percent(ratio, 0)} para {name}" in text


# --- Visualización -------------------------------------------------------------

def test_filtros_borde(model):
    weights = model.conv1.weight.detach().double().numpy()[:, 0]
    side = weights.shape[-1]
    coords = np.arange(side) - (side - 1) / 2
    rows, cols = np.meshgrid(coords, coords, indexing="ij")
    angles = np.linspace(0, np.pi, 72, endpoint=False)
    edges = np.stack([np.sign(cols * np.cos(a) + rows * np.sin(a)).ravel() for a in angles])
    best = [max(abs(np.corrcoef(w.ravel(), e)[0, 1]) for e in edges) for w in weights]
    n = sum(b >= results.EDGE_CORRELATION for b in best)
    text = facts_visualizacion.filtros_borde()
    expected = {0: "ninguno de los 16", 16: "los 16 filtros"}.get(n, f"{n} de los 16 filtros")
    assert expected in text.lower(), text
    # La figura marca esos mismos filtros
    from cnnviz.figures.visualizacion import HIGHLIGHT, fig_filtros_conv1
    fig = fig_filtros_conv1()
    marked = [ax.spines["top"].get_edgecolor() for ax in fig.axes[:16]]
    from matplotlib.colors import to_rgba
    assert [m == to_rgba(HIGHLIGHT) for m in marked] == [b >= results.EDGE_CORRELATION
                                                         for b in best]


def test_mapas_de_activacion(model, split):
    x, _ = first_correct(model, split, (0, 2, 4))
    with torch.no_grad():
        relu1 = F.relu(model.conv1(x))
        relu2 = F.relu(model.conv2(model.pool1(relu1)))
    zeros1 = (relu1 == 0).float().mean().item()
    zeros2 = (relu2 == 0).float().mean().item()
    text = facts_visualizacion.mapas_ceros()
    assert f"son cero el {percent(zeros2, 0)} de los valores" in text
    assert f"frente al {percent(zeros1, 0)} tras `conv1`" in text
    assert ("(la mayoría)" in text) == (zeros2 > 0.5)
    assert ("en menos sitios" in text) == (zeros2 > zeros1)

    near = near_stroke(x, split)
    a = relu1.numpy()
    share = (a * near[:, None]).sum(axis=(1, 2, 3)) / a.sum(axis=(1, 2, 3))
    text = facts_visualizacion.mapas_trazo()
    assert f"{percent_range(share)} de la activación" in text
    assert f"ocupa {percent_range(near.mean(axis=(1, 2)))} de la" in text
    assert ("siguen la forma del dígito" in text) == bool((share / near.mean(axis=(1, 2))).min() >= 1.5)


@pytest.fixture(scope="module")
def embedding(model, split):
    from sklearn.neighbors import NearestNeighbors

    with torch.no_grad():
        # Lotes de 500, como la figura: t-SNE amplifica hasta el último bit
        features = torch.cat([model.features(split.x_test[i:i + 500])
                              for i in range(0, len(split.x_test), 500)]).numpy()
    labels = split.y_test.numpy()
    same, misplaced = {}, None
    for name, points in (("pca", embed_2d(features, "pca", seed=0)),
                         ("tsne", embed_2d(features, "tsne", seed=0)),
                         ("vector", features.astype(np.float64))):
        nn = NearestNeighbors(n_neighbors=11).fit(points)
        _, idx = nn.kneighbors(points)               # el primero es el propio punto
        same[name] = (labels[idx[:, 1]] == labels).mean()
        if name == "tsne":
            votes = labels[idx[:, 1:]]
            misplaced = np.array([np.bincount(v, minlength=10).argmax() for v in votes]) != labels
    with torch.no_grad():
        probs = model(split.x_test).softmax(1).numpy()
    return labels, probs, same, misplaced


def test_vecinos_en_pca_y_tsne(embedding):
    _, _, same, _ = embedding
    text = facts_visualizacion.vecinos_proyecciones()
    assert f"el {percent(same['pca'], 0)} de los casos con PCA" in text
    assert f"en el {percent(same['tsne'], 0)} con t-SNE" in text
    assert f"ocurre en el {percent(same['vector'], 0)}" in text


def test_puntos_de_tsne_en_el_grupo_de_otra_clase(embedding):
    labels, probs, _, misplaced = embedding
    preds = probs.argmax(1)
    correct = misplaced & (preds == labels)
    text = facts_visualizacion.tsne_otro_grupo()
    assert text.startswith(f"{integer(misplaced.sum())} de los {integer(len(labels))} puntos")
    assert f"clasifica bien {integer(correct.sum())} de ellos" in text
    assert f"({'la mayoría' if correct.sum() > misplaced.sum() / 2 else 'una minoría'};" in text
    assert f"{integer((correct & (probs.max(1) >= 0.9)).sum())} con una probabilidad" in text
    wrong = preds != labels
    assert f"de los {integer(wrong.sum())} dígitos que la red falla, " \
           f"{integer((wrong & misplaced).sum())} están" in text


def test_oclusion(model, split):
    x, y = first_correct(model, split, results.EXAMPLE_CLASSES)
    black = (0 - split.mean) / split.std
    patch = results.OCCLUSION_PATCH
    side = 28 - patch + 1
    text = facts_visualizacion.oclusion_resumen()
    kept = 0
    for image, label in zip(x, y.tolist()):
        covered = []
        for i in range(side):
            for j in range(side):
                c = image.clone()
                c[:, i:i + patch, j:j + patch] = black
                covered.append(c)
        with torch.no_grad():
            original = model(image[None])[0, label].item()
            logits = model(torch.stack(covered))                  # (441, 10)
        worst = int(logits[:, label].argmin())
        probs = logits[worst].softmax(0)
        pred = int(probs.argmax())
        changed = int((logits.argmax(1) != label).sum())
        kept += changed == 0
        line = next(line for line in text.splitlines() if line.startswith(f"- **«{label}»**"))
        assert f"baja de {decimal(original, 1)} a {decimal(logits[worst, label], 1)}" in line
        verb = "sigue diciendo" if pred == label else "pasa a decir"
        assert f"la red {verb} «{pred}» (probabilidad {decimal(probs[pred])})" in line
        if changed:
            assert f"cambia de clase con el parche en {integer(changed)} de las {side * side}" in line
        else:
            assert f"no cambia de clase con el parche en ninguna de las {side * side}" in line
    if kept:
        assert f"En {kept} de los 4 dígitos" in text or f"En los 4 dígitos" in text
    # La figura dibuja ese mismo peor parche (su esquina) sobre cada dígito
    from cnnviz.figures.visualizacion import fig_oclusion
    fig = fig_oclusion()
    corners = [(int(p.get_y() + 0.5), int(p.get_x() + 0.5)) for ax in fig.axes
               for p in ax.patches if p.get_width() == patch]
    assert corners == results.occlusion().worst


def test_saliencia_y_guiada_sobre_el_trazo(model, split):
    from captum.attr import GuidedBackprop, Saliency
    from cnnviz.features.layers import as_sequential

    x, y = first_correct(model, split, results.EXAMPLE_CLASSES)
    for p in model.parameters():
        p.requires_grad_(False)
    sal = Saliency(model).attribute(x, target=y).numpy()[:, 0]
    guided = GuidedBackprop(as_sequential(model)).attribute(x, target=y).detach().numpy()[:, 0]
    near = near_stroke(x, split)

    def share(m):
        m = np.abs(m)
        return (m * near).sum(axis=(1, 2)) / m.sum(axis=(1, 2))

    text = facts_visualizacion.saliencia_trazo()
    assert f"cae {percent_range(share(guided))} del valor absoluto de la retropropagación" in text
    assert f"y {percent_range(share(sal))} del de la saliencia" in text
    more = int((share(guided) > share(sal)).sum())
    assert (f"en los {len(x)} dígitos" if more == len(x) else f"en {more} de los") in text


def test_maximizacion_por_clase(model, split):
    from cnnviz.features.actmax import class_objective, maximize

    low, high = (0 - split.mean) / split.std, (1 - split.mean) / split.std
    objective = class_objective(model, range(10))
    images = {"sin": maximize(objective, 10, jitter=0, blur_sigma=0, l2=0,
                              bounds=(low, high))[0],
              "con": maximize(objective, 10, bounds=(low, high))[0]}
    x_train = split.x_train[:, 0].numpy().reshape(len(split.x_train), -1)
    y_train = split.y_train.numpy()
    means = np.stack([x_train[y_train == c].mean(0) for c in range(10)])

    def template(imgs):
        flat = imgs.reshape(len(imgs), -1)
        return np.array([np.argmax([np.corrcoef(v, m)[0, 1] for m in means]) for v in flat])

    with torch.no_grad():
        probs = {k: model(v).softmax(1).diag().numpy() for k, v in images.items()}
    hits = {k: int((template(v[:, 0].numpy()) == np.arange(10)).sum()) for k, v in images.items()}
    accuracy = (template(split.x_test[:, 0].numpy()) == split.y_test.numpy()).mean()
    text = facts_visualizacion.actmax_clases_resumen()
    lowest = min(p.min() for p in probs.values())
    if lowest >= 0.9:
        assert f"al menos {decimal(np.floor(lowest * 100) / 100)}" in text
    assert f"acierta el {percent(accuracy, 0)} de los dígitos de prueba" in text
    assert f"reconoce su clase en {hits['con']} de las 10 imágenes regularizadas y en " \
           f"{hits['sin']} de las 10 sin regularizar" in text
    assert ("no se parecen al dígito" in text) == (max(hits.values()) <= 5)

    saturated = {k: np.mean(np.isclose(v.numpy(), low) | np.isclose(v.numpy(), high))
                 for k, v in images.items()}
    text = facts_visualizacion.actmax_extremos()
    assert f"lleva el {percent(saturated['sin'], 0)} de los píxeles" in text
    assert f"de abajo, el {percent(saturated['con'], 0)})" in text


def test_maximizacion_por_canal(model):
    res = results.actmax_channels()
    with torch.no_grad():
        out = model.conv2(model.pool1(F.relu(model.conv1(res.images))))   # (16, 32, 14, 14)
    values = np.array([out[k, k].mean().item() for k in range(16)])
    shown = np.round(values, 2)          # el texto cuenta lo que se lee en la figura
    text = facts_visualizacion.actmax_canales_resumen()
    quiet = int((shown < results.NEAR_ZERO).sum())
    assert f"En {quiet} de los 16 canales" in text or quiet in (0, 16)
    assert f"(en {int((shown < 0).sum())} es negativa)" in text or (shown >= 0).all()
    strong = int((shown >= 1).sum())
    assert f"{strong} de los 16 canales superan 1" in text or strong in (0, 16)
    # La figura escribe bajo cada canal la misma activación media
    from cnnviz.figures.visualizacion import fig_actmax_canales
    titles = [ax.get_title() for ax in fig_actmax_canales().axes[:16]]
    assert titles == [f"canal {k}\n{decimal(v)}" for k, v in enumerate(values)]
