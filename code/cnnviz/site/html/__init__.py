"""El HTML de las páginas: figuras, fórmulas, cuadernos, búsqueda, sin otros servidores."""
