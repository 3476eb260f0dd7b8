"""Lo que se lleva quien lee: el paquete, los cuadernos preparados y el laboratorio."""
