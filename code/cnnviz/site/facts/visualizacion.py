"""Datos de «Visualización de características»: lo que muestra cada figura, en frases.

Todas salen de ``cnnviz.results``, los mismos valores con que se dibujan las
figuras. La redacción se elige según los valores (p. ej. «la mayoría» solo si
pasan de la mitad).
"""

from functools import lru_cache

import numpy as np
import torch

from ... import results
from ...spanish import decimal, integer, percent, percent_range

__all__ = ["filtros_borde", "mapas_trazo", "mapas_ceros", "vecinos_proyecciones",
           "pca_varianza", "tsne_otro_grupo", "oclusion_resumen", "saliencia_trazo",
           "actmax_extremos", "actmax_clases_resumen", "actmax_canales_resumen",
           "actmax_neurona_central",
           "smoothgrad_rugosidad", "smoothgrad_limite", "cordura_veredicto", "cordura_signo",
           "cordura_pasos", "conv_canales_signo"]


def _count(n, total, noun):
    """«6 de los 16 filtros», «ninguno de los 16 filtros», «los 16 filtros»."""
    if n == 0:
        return f"ninguno de los {total} {noun}"
    if n == total:
        return f"los {total} {noun}"
    return f"{n} de los {total} {noun}"


def filtros_borde():
    filters = results.conv1_filters()
    n = int(filters.edge_like.sum())
    total = len(filters.edge)
    limit = decimal(results.EDGE_CORRELATION, 1)
    if n == 0:
        return (f"Ninguno de los {total} filtros se parece a un borde recto: ninguno llega a "
                f"una correlación de {limit} con un borde ideal.")
    subject = _count(n, total, "filtros")
    subject = f"La mayoría, {subject}," if n > total / 2 else subject[0].upper() + subject[1:]
    return (f"{subject} (con marco naranja en la figura) se parecen a un detector de bordes: su "
            f"correlación con un borde recto ideal (−1 a un lado de una recta que pasa por el "
            f"centro y +1 al otro, en la orientación que mejor encaje) es de al menos {limit}. "
            "Una zona positiva junto a una negativa responde a un cambio de intensidad con "
            "esa orientación.")


def mapas_trazo():
    act = results.activations()
    concentrated = act.relu1_on_stroke / act.stroke_area
    text = (f"Tras `conv1` + ReLU, en cada uno de los tres dígitos "
            f"{percent_range(act.relu1_on_stroke)} de la activación está sobre el trazo o a "
            f"un píxel de él, una zona que ocupa {percent_range(act.stroke_area)} de la "
            "imagen")
    if concentrated.min() >= 1.5:
        return text + ": los mapas de la primera capa siguen la forma del dígito."
    return text + ": la activación no se concentra claramente en el trazo."


def mapas_ceros():
    act = results.activations()
    z1, z2 = act.zero_fraction["relu1"], act.zero_fraction["relu2"]
    most = " (la mayoría)" if z2 > 0.5 else ""
    compare = "menos" if z2 > z1 else "más"
    return (f"Tras `conv2` + ReLU son cero el {percent(z2, 0)} de los valores{most}, frente al "
            f"{percent(z1, 0)} tras `conv1` + ReLU: cada canal de la segunda capa se activa "
            f"en {compare} sitios que los de la primera.")


@lru_cache(maxsize=1)
def _pca_share():
    """Fracción de la varianza del vector de características de cada una de las 50
    primeras componentes principales (los dígitos de prueba de la figura)."""
    from sklearn.decomposition import PCA

    from ...features.embedding import feature_vectors

    net, data = results.model(), results.split()
    with results.one_thread(), torch.no_grad():
        features = feature_vectors(net, data.x_test).astype(np.float64)   # como la figura
    return PCA(n_components=50).fit(features).explained_variance_ratio_


@lru_cache(maxsize=1)
def _pixels_nearest_same():
    """Vecino más cercano de la misma clase en los píxeles (la referencia sin red)."""
    data = results.split()
    return results._nearest_same_class(data.x_test.flatten(1).numpy().astype(np.float64),
                                       data.y_test.numpy())


def pca_varianza():
    return percent(_pca_share()[:2].sum(), 0)


def vecinos_proyecciones():
    emb = results.embedding()
    same = emb.nearest_same
    share = _pca_share()
    pca, tsne, vector = (percent(same[k], 0) for k in ("pca", "tsne", "vector"))
    pixels = _pixels_nearest_same()
    text = (f"En la figura, con los {integer(len(emb.labels))} dígitos de prueba, el vecino "
            f"más cercano de cada punto es de su misma clase en el {pca} de los casos con PCA "
            f"y en el {tsne} con t-SNE. En el propio vector de {integer(emb.dims)} valores "
            f"ocurre en el {vector}, y en los 784 píxeles, sin pasar por la red, en el "
            f"{percent(pixels, 0)}")
    if same["vector"] > pixels + 0.01:
        text += ": el espacio de la red agrupa las clases mejor que los píxeles"
    elif same["vector"] < pixels - 0.01:
        text += ": por esta medida, los píxeles agrupan las clases mejor que el espacio de la red"
    else:
        text += ": por esta medida, el espacio de la red no agrupa las clases mejor que los píxeles"
    text += "."
    if same["tsne"] > same["pca"] + 0.2:
        text += " t-SNE conserva esos vecindarios mucho mejor que PCA."
    two = share[:2].sum()
    text += (f" Las dos componentes de PCA conservan solo el {percent(two, 0)} de la "
             "varianza" if two < 0.5 else
             f" Las dos componentes de PCA conservan el {percent(two, 0)} de la varianza")
    text += f" (las 50 que recibe t-SNE, el {percent(share.sum(), 0)})"
    if same["pca"] < 0.75:
        text += (": que PCA mezcle las clases solo indica que las dos direcciones de mayor "
                 "varianza no son las que las distinguen.")
    else:
        text += "."
    return text


def tsne_otro_grupo():
    emb = results.embedding()
    lost = emb.misplaced
    n = int(lost.sum())
    correct = lost & (emb.preds == emb.labels)
    n_correct = int(correct.sum())
    sure = int((correct & (emb.confidence >= 0.9)).sum())
    wrong = emb.preds != emb.labels
    verdict = "la mayoría" if n_correct > n / 2 else "una minoría"
    return (f"{integer(n)} de los {integer(len(emb.labels))} puntos de t-SNE (rodeados en la "
            f"figura) caen en el grupo de otra clase: la mayoría de sus {results.NEIGHBORS} "
            f"vecinos más cercanos en el plano es de otra clase. La red clasifica bien "
            f"{integer(n_correct)} de ellos ({verdict}; {integer(sure)} con una probabilidad "
            "de al menos 0,9). "
            f"Y de los {integer(int(wrong.sum()))} dígitos que la red falla, "
            f"{integer(int((wrong & lost).sum()))} están entre esos puntos. Caer en el grupo "
            "equivocado del plano no equivale a que la red se equivoque: t-SNE deforma el "
            "espacio.")


def oclusion_resumen():
    occ = results.occlusion()
    lines = []
    for k, label in enumerate(occ.y.tolist()):
        i, j = occ.worst[k]
        worst = occ.heat[k][i, j]
        pred, prob = int(occ.worst_pred[k]), occ.worst_prob[k]
        after = (f"la red pasa a decir «{pred}» (probabilidad {decimal(prob)})" if pred != label
                 else f"la red sigue diciendo «{label}» (probabilidad {decimal(prob)})")
        changed = int(occ.changed[k])
        where = (f"no cambia de clase con el parche en ninguna de las {integer(occ.positions)} "
                 "posiciones" if changed == 0 else
                 f"cambia de clase con el parche en {integer(changed)} de las "
                 f"{integer(occ.positions)} posiciones")
        lines.append(f"- **«{label}»**: con el peor parche, su puntuación baja de "
                     f"{decimal(occ.original[k], 1)} a {decimal(worst, 1)} y {after}; "
                     f"{where}.")
    n_kept = int((occ.changed == 0).sum())
    summary = (f"\n\nEn {_count(n_kept, len(occ.y), 'dígitos')}, la red acierta con el parche "
               "en cualquier sitio: un mapa oscuro dice dónde baja la puntuación, no dónde "
               "deja de reconocerse el dígito." if n_kept else "")
    return "\n".join(lines) + summary


def saliencia_trazo():
    grads = results.gradients()
    sal, gb = grads.on_stroke["saliencia"], grads.on_stroke["guiada"]
    more = int((gb > sal).sum())
    n = len(sal)
    which = (f"en los {n} dígitos" if more == n else f"en {more} de los {n} dígitos")
    return (f"Sobre el trazo o a un píxel de él, una zona que ocupa "
            f"{percent_range(grads.stroke_area)} de la imagen, cae "
            f"{percent_range(gb)} del valor absoluto de la retropropagación guiada y "
            f"{percent_range(sal)} del de la saliencia. La saliencia se reparte más por el "
            f"fondo; la guiada se concentra más en el trazo {which}."
            if more > n / 2 else
            f"Sobre el trazo o a un píxel de él cae {percent_range(gb)} del valor absoluto "
            f"de la retropropagación guiada y {percent_range(sal)} del de la saliencia: la "
            f"guiada solo se concentra más en el trazo {which}.")


def actmax_extremos():
    res = results.actmax_classes()
    plain, regular = res.saturated["sin"], res.saturated["con"]
    if plain <= regular:
        raise ValueError(f"sin regularizar no hay más píxeles saturados: {res.saturated}")
    return (f"Sin regularizar, el ascenso por gradiente lleva el {percent(plain, 0)} de los píxeles a "
            f"negro o blanco puros, los extremos del rango (con la regularización de abajo, "
            f"el {percent(regular, 0)}).")


def actmax_clases_resumen():
    res = results.actmax_classes()
    low = min(res.probs["sin"].min(), res.probs["con"].min())
    hits = {k: int((res.template[k] == np.arange(10)).sum()) for k in ("sin", "con")}
    sure = ("Las veinte imágenes convencen a la red: le da a la clase buscada una "
            f"probabilidad de al menos {decimal(np.floor(low * 100) / 100)}."
            if low >= 0.9 else
            f"La red no siempre queda convencida: la probabilidad más baja es "
            f"{decimal(low)}.")
    looks = ("así que, en general, no se parecen al dígito que buscan"
             if max(hits.values()) <= 5 else "así que muchas se parecen a su dígito")
    return (f"{sure} ¿Se parecen a dígitos? Una medida sencilla es compararlas píxel a píxel "
            "con el dígito medio de cada clase del entrenamiento y quedarse con la clase "
            "más correlacionada. Ese clasificador de plantillas acierta el "
            f"{percent(res.template_accuracy, 0)} de los dígitos de prueba, pero reconoce su "
            f"clase en {hits['con']} de las 10 imágenes regularizadas y en {hits['sin']} de "
            f"las 10 sin regularizar, {looks}.")


def actmax_canales_resumen():
    res = results.actmax_channels()
    ex = results.channel_examples()
    values = res.values
    n = len(values)
    shown = np.round(values, 2)            # como los escribe la figura
    quiet = shown < results.NEAR_ZERO
    n_quiet = int(quiet.sum())
    negative = int((shown < 0).sum())
    strong = int((shown >= 1).sum())
    neg = f" (en {negative} es negativa)" if negative else ""
    text = (f"En {_count(n_quiet, n, 'canales')} la activación media no llega a "
            f"{decimal(results.NEAR_ZERO, 1)} ni siquiera con la imagen optimizada{neg}; "
            f"{_count(strong, n, 'canales')} superan 1.")
    if n_quiet == 0:
        return text
    real = ex.real_mean[quiet]
    synthetic_wins = int((values > ex.real_mean).sum())
    peak = ex.top_values[:, 0][quiet]
    if synthetic_wins == n:
        text += (" Los dígitos reales tampoco suben esa media: en los 16 canales, la imagen "
                 "sintética la lleva más alto que cualquier dígito de prueba")
    else:
        text += (" Con la media de todo el mapa, la imagen sintética supera a cualquier "
                 f"dígito de prueba en "
                 f"{_count(synthetic_wins, n, 'canales')}")
    text += (f" (en esos {n_quiet} canales, la mayor media con un dígito real va de "
             f"{decimal(real.min())} a {decimal(real.max())}). ")
    if peak.min() > 0:
        text += ("Pero no son canales muertos: en algún punto del mapa, el dígito de prueba "
                 f"que más los activa los lleva a {decimal(peak.min(), 1)}–"
                 f"{decimal(peak.max(), 1)}. Responden a un patrón local, no a toda la imagen.")
    else:
        text += ("Y algunos no se activan en ningún punto con ningún dígito de prueba: la "
                 f"neurona más activada llega a {decimal(peak.min(), 1)}–"
                 f"{decimal(peak.max(), 1)}.")
    return text


def actmax_neurona_central():
    """La neurona central de cada canal: sintética frente a los dígitos de prueba."""
    ex = results.channel_examples()
    n = len(ex.centre_values)
    synthetic, real = ex.centre_values, ex.real_centre
    beats = int((synthetic > real).sum())
    positive = int((synthetic > 0).sum())
    text = (f"Con una sola neurona, la del centro del mapa de 14×14, la imagen sintética la "
            f"lleva a valores de {decimal(synthetic.min(), 1)} a {decimal(synthetic.max(), 1)} "
            f"(positivos en {_count(positive, n, 'canales')}); el dígito de prueba que más "
            f"activa esa misma neurona llega a {decimal(real.min(), 1)}–"
            f"{decimal(real.max(), 1)}. ")
    if beats == n:
        text += "La sintética supera a los dígitos reales en los " + str(n) + " canales"
    elif beats == 0:
        text += "Los dígitos reales superan a la sintética en los " + str(n) + " canales"
    else:
        text += f"La sintética supera a los dígitos reales en {_count(beats, n, 'canales')}"
    text += (": un objetivo local, que solo pide un patrón en una ventana de "
             f"{results.CONV2_FIELD}×{results.CONV2_FIELD} píxeles, es mucho más fácil de "
             "alcanzar que la media de todo el mapa." if beats > n / 2 else
             ": ni siquiera con un objetivo local, el ascenso por gradiente con estas "
             "regularizaciones alcanza lo que dan los dígitos reales.")
    return text


# --- SmoothGrad: la rugosidad calculada -------------------------------------------

SMOOTHGRAD_LEVELS = (0.05, 0.15, 0.3, 0.5)   # desviación del ruido, fracción del rango


def roughness(maps):
    """Cambio medio entre píxeles vecinos, relativo al valor medio del mapa (como la
    página: ``code/examples/atribucion.py``)."""
    steps = (maps[..., 1:, :] - maps[..., :-1, :]).abs().mean() + \
        (maps[..., :, 1:] - maps[..., :, :-1]).abs().mean()
    return (steps / maps.abs().mean()).item()


@lru_cache(maxsize=1)
def _smoothgrad_roughness():
    """Rugosidad de la saliencia y de SmoothGrad (cada nivel de ruido) en los cuatro
    primeros dígitos de prueba, los de la página."""
    from ...features.saliency import saliency
    from ...features.smoothgrad import SAMPLES, smoothgrad, smoothgrad_noise

    net, data = results.model(), results.split()
    x, y = data.x_test[:4], data.y_test[:4]
    with results.one_thread():
        plain = roughness(saliency(net, x, y).abs())
        smooth = {level: roughness(smoothgrad(
            net, x, y, smoothgrad_noise(SAMPLES, level / data.std)).abs())
            for level in SMOOTHGRAD_LEVELS}
    return plain, smooth


def smoothgrad_rugosidad():
    from ...features.smoothgrad import NOISE_LEVEL

    plain, smooth = _smoothgrad_roughness()
    site = smooth[NOISE_LEVEL]
    drop = 1 - site / plain
    text = (f"Con σ = {percent(NOISE_LEVEL, 0)}, la rugosidad baja de {decimal(plain)} "
            f"(saliencia) a {decimal(site)} (SmoothGrad), un {percent(drop, 0)} menos")
    text += (": con este ruido, SmoothGrad apenas suaviza el mapa." if drop < 0.2 else
             ": SmoothGrad suaviza el mapa." if drop < 0.5 else
             ": SmoothGrad deja un mapa mucho más suave.")
    others = [level for level in SMOOTHGRAD_LEVELS if level != NOISE_LEVEL]
    text += " Con otros niveles de ruido: " + "; ".join(
        f"σ = {percent(level, 0)}, {decimal(smooth[level])}" for level in others) + "."
    best = min(smooth, key=smooth.get)
    if best != NOISE_LEVEL:
        text += (f" Suaviza más con σ = {percent(best, 0)} (un "
                 f"{percent(1 - smooth[best] / plain, 0)} menos que la saliencia), a costa de "
                 "promediar gradientes de imágenes cada vez más lejanas a la original.")
    return text


def smoothgrad_limite():
    """Celda de la tabla comparativa: cuánto suaviza con el ruido del sitio."""
    from ...features.smoothgrad import NOISE_LEVEL

    plain, smooth = _smoothgrad_roughness()
    drop = 1 - smooth[NOISE_LEVEL] / plain
    return (f"Depende del nivel de ruido; con σ = {percent(NOISE_LEVEL, 0)}, rugosidad un "
            f"{percent(drop, 0)} menor que la saliencia")


# --- Prueba de cordura: lo que se midió ------------------------------------------

def _report():
    from ...features.evaluation import attribution_report
    return attribution_report()


_WITH_ARTICLE = {"saliencia": "la saliencia", "smoothgrad": "SmoothGrad",
                 "integrados": "los gradientes integrados con la línea de base negra",
                 "gradcam": "Grad-CAM", "guiada": "la retropropagación guiada",
                 "oclusion": "la oclusión"}


def _list(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]


def cordura_veredicto():
    """Qué métodos bajan del umbral en valor absoluto con solo fc al azar, dicho así."""
    from ...features.sanity import THRESHOLD

    sanity = _report()["sanity"]
    low = [_WITH_ARTICLE[n] for n, e in sanity.items() if e["pasa"]]
    high = [_WITH_ARTICLE[n] for n, e in sanity.items() if not e["pasa"]]
    limit = decimal(THRESHOLD, 1)
    parts = []
    if low:
        parts.append(f"con solo `fc` al azar, la correlación de rangos media de |mapa| baja "
                     f"de {limit} con {_list(low)} (pasan la prueba así medida)")
    if high:
        parts.append(f"{'' if low else 'con solo `fc` al azar, '}se queda en {limit} o más "
                     f"con {_list(high)} (no la pasan así medida)")
    return "; ".join(parts)


@lru_cache(maxsize=1)
def _signed_sanity():
    """Con solo fc al azar: Spearman medio con signo y de |mapa| de los dos métodos con
    signo, y la fracción de píxeles cuya atribución no depende de los pesos (0)."""
    from scipy.stats import spearmanr

    from ...features.evaluation import N_SANITY
    from ...features.methods import OCCLUSION_PATCH, OCCLUSION_STRIDE, SIGNED, attribution_methods
    from ...features.sanity import randomize, rank_correlation

    net, data = results.model(), results.split()
    methods = attribution_methods(data.mean, data.std)
    x, y = data.x_test[:N_SANITY], data.y_test[:N_SANITY]
    background = (0.0 - data.mean) / data.std
    black = (x == background)[:, 0].numpy()                          # (N, 28, 28)
    # Píxeles que solo tapan parches enteramente negros: su oclusión no cambia la imagen
    blank = np.ones_like(black)
    starts = range(0, 28 - OCCLUSION_PATCH + 1, OCCLUSION_STRIDE)
    for i in starts:
        for j in starts:
            inside = black[:, i:i + OCCLUSION_PATCH, j:j + OCCLUSION_PATCH].all(axis=(1, 2))
            blank[:, i:i + OCCLUSION_PATCH, j:j + OCCLUSION_PATCH] &= inside[:, None, None]
    fixed = {"integrados": black, "oclusion": blank}
    out = {}
    with results.one_thread():
        shuffled = randomize(net, ("fc",))
        for name in SIGNED:
            a = methods[name](net, x, y).numpy()
            b = methods[name](shuffled, x, y).numpy()
            signed = np.mean([spearmanr(u.ravel(), v.ravel()).statistic for u, v in zip(a, b)])
            out[name] = {"con_signo": float(signed),
                         "absoluto": float(np.nanmean(rank_correlation(a, b))),
                         "fijos": float(fixed[name].mean())}
    return out


def cordura_signo():
    """Correlación con signo frente a la de |mapa|, y por qué la oclusión se comporta
    como los gradientes integrados (los ceros que no dependen de los pesos)."""
    from ...features.sanity import THRESHOLD

    res = _signed_sanity()
    ig, occ = res["integrados"], res["oclusion"]
    text = ("Pero esa medida usa el valor absoluto. Con signo, y con solo `fc` al azar, la "
            f"correlación de rangos media es {decimal(ig['con_signo'])} para los gradientes "
            f"integrados y {decimal(occ['con_signo'])} para la oclusión, frente a "
            f"{decimal(ig['absoluto'])} y {decimal(occ['absoluto'])} de |mapa|")
    flipped = [n for n, r in res.items() if r["con_signo"] < THRESHOLD <= r["absoluto"]]
    if len(flipped) == 2:
        text += (": con signo, los dos mapas sí cambian al aleatorizar la capa de salida "
                 "(en la figura, píxeles que pasan de rojo a azul), y el valor absoluto lo "
                 "oculta.")
    elif flipped:
        text += (f": con signo, {_WITH_ARTICLE[flipped[0]]} sí cambian al aleatorizar la "
                 "capa de salida, y el valor absoluto lo oculta.")
    else:
        text += "."
    text += (f" Además, los dos mapas tienen ceros que no dependen de los pesos: en los "
             f"gradientes integrados, los píxeles negros, el {percent(ig['fijos'], 0)}; en "
             f"la oclusión, los píxeles que solo cubren parches enteramente negros, el "
             f"{percent(occ['fijos'], 0)}. Un parche negro sobre fondo negro no cambia la "
             "imagen, así que no cambia la puntuación, sea cual sea la red; por eso la "
             "oclusión se comporta aquí como los gradientes integrados con la línea de base "
             "negra. Esos ceros compartidos ocupan el último puesto del orden en los dos "
             "mapas y suben la correlación de |mapa|.")
    return text


def cordura_pasos():
    """El parche y el paso de la oclusión de la prueba, frente a los de la figura."""
    from ...features.methods import OCCLUSION_PATCH, OCCLUSION_STRIDE

    if results.OCCLUSION_PATCH == OCCLUSION_PATCH and OCCLUSION_STRIDE == 1:
        return "La oclusión usa aquí el mismo parche y el mismo paso que en su figura."
    n = len(range(0, 28 - OCCLUSION_PATCH + 1, OCCLUSION_STRIDE))
    m = 28 - results.OCCLUSION_PATCH + 1            # posiciones por lado con paso 1
    return (f"La oclusión de esta página usa un parche de {OCCLUSION_PATCH}×{OCCLUSION_PATCH} "
            f"cada {OCCLUSION_STRIDE} píxeles ({n}×{n} posiciones), no el paso de 1 píxel de "
            "la figura de [Atribución](atribucion.md#experimentos-de-oclusion) "
            f"(parche de {results.OCCLUSION_PATCH}×{results.OCCLUSION_PATCH}, {m}×{m} "
            f"posiciones): {integer(n * n)} pasadas por dígito en lugar de {integer(m * m)}, y "
            f"con {_report()['n_sanity']} dígitos y cuatro redes por dígito el coste cuenta.")


# --- Teoría: la figura conv_canales -------------------------------------------------

def conv_canales_signo():
    """Qué canales destacados de ``conv_canales`` aportan en negativo (la figura escribe la
    suma de cada aporte bajo su panel)."""
    ex = results.multichannel()
    sums = {c: float(ex.contributions[c].sum()) for c in ex.top}
    negative = [c for c in ex.top if sums[c] < 0]
    text = ("Con la escala de color común, un aporte puede verse pálido y pesar mucho en "
            "total: bajo cada panel está la suma de su mapa. ")
    if not negative:
        return text + f"Los {len(ex.top)} canales destacados aportan en positivo."
    names = _list(f"{c} (suma {decimal(sums[c], 0)})" for c in negative)
    if len(negative) == 1:
        return text + f"El canal {names} aporta en negativo: resta de la salida."
    return text + f"Los canales {names} aportan en negativo: restan de la salida."
