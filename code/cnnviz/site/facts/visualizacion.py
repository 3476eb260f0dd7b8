"""Datos de «Visualización de características»: lo que muestra cada figura, en frases.

Todas salen de ``cnnviz.results``, los mismos valores con que se dibujan las
figuras. La redacción se elige según los valores (p. ej. «la mayoría» solo si
pasan de la mitad).
"""

import numpy as np

from ... import results
from ...spanish import decimal, integer, percent, percent_range

__all__ = ["filtros_borde", "mapas_trazo", "mapas_ceros", "vecinos_proyecciones",
           "tsne_otro_grupo", "oclusion_resumen", "saliencia_trazo",
           "actmax_extremos", "actmax_clases_resumen", "actmax_canales_resumen"]


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
            f"{percent(z1, 0)} tras `conv1` + ReLU: cada canal de la segunda capa se enciende "
            f"en {compare} sitios que los de la primera.")


def vecinos_proyecciones():
    emb = results.embedding()
    same = emb.nearest_same
    pca, tsne, vector = (percent(same[k], 0) for k in ("pca", "tsne", "vector"))
    text = (f"En la figura, con los {integer(len(emb.labels))} dígitos de prueba, el vecino "
            f"más cercano de cada punto es de su misma clase en el {pca} de los casos con PCA "
            f"y en el {tsne} con t-SNE. En el propio vector de {integer(emb.dims)} valores "
            f"ocurre en el {vector}")
    if same["vector"] > 0.8:
        text += ": los dígitos de una misma clase quedan cerca entre sí en ese espacio"
    text += "."
    if same["tsne"] > same["pca"] + 0.2:
        text += " t-SNE conserva esos vecindarios mucho mejor que PCA."
    if same["pca"] < 0.75:
        text += (" Que PCA mezcle las clases solo indica que las dos direcciones de mayor "
                 "varianza no son las que las distinguen.")
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
    return (f"Sin más, el ascenso por gradiente lleva el {percent(plain, 0)} de los píxeles a "
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
    values = res.values
    n = len(values)
    shown = np.round(values, 2)            # como los escribe la figura
    quiet = int((shown < results.NEAR_ZERO).sum())
    negative = int((shown < 0).sum())
    strong = int((shown >= 1).sum())
    neg = f" (en {negative} es negativa)" if negative else ""
    return (f"En {_count(quiet, n, 'canales')} la activación media no llega a "
            f"{decimal(results.NEAR_ZERO, 1)} ni siquiera con la imagen optimizada{neg}: "
            "para ellos, el ascenso por gradiente, con estas regularizaciones, no encuentra "
            f"una imagen que los active de media. {_count(strong, n, 'canales').capitalize()} "
            "superan 1.")
