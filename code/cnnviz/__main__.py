"""Línea de órdenes: ``python -m cnnviz train | figures``."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cnnviz")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="entrena DigitCNN (o usa la caché) y muestra sus métricas")
    fig = sub.add_parser("figures", help="genera las figuras en una carpeta")
    fig.add_argument("--out", default=None, help="carpeta de salida (por defecto, la caché)")
    args = parser.parse_args(argv)

    if args.command == "train":
        from .training import _cache_paths, trained_model
        model, meta = trained_model(progress=None)
        print(f"pesos: {_cache_paths()[0]}")
        print(f"exactitud en prueba: {meta['accuracy']:.2%} "
              f"({meta['n_test']} imágenes); entrenamiento: {meta['train_seconds']:.1f} s")
    elif args.command == "figures":
        try:
            from .site.figure_build import render_all
        except ModuleNotFoundError:
            print("error: `figures` necesita una copia del repositorio (carpeta code/): "
                  "el paquete que publica el sitio no trae las herramientas de construcción",
                  file=sys.stderr)
            return 2
        for name, path, status in render_all(out_dir=args.out):
            print(f"{status:9} {name} -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
