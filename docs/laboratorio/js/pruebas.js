// La API de pruebas y medidas: window.cnnLab (ver estado.js) con cálculos
// directos en el trabajador, sin pintar, y atajos para los controles.
import { calcularDirecto } from "./canal.js";
import { ponerEpoca, ponerPaso } from "./controles.js";
import { api, ORDEN_CALCULO, ui } from "./estado.js";

// `cargarDigito(i)`: el dígito de prueba i en el lienzo; `cargarModelo(json, nombre)`:
// como el botón «Cargar tu red» con un JSON ya leído
export function prepararPruebas({ cargarDigito, cargarModelo }) {
  api.compute = (opciones) => calcularDirecto({
    epoca: ui.modelo.epocas, paso: 0, lineaBase: "negra", metodos: ORDEN_CALCULO, ...opciones });
  api.loadTestDigit = (i) => cargarDigito(i);
  api.digitPixels = (i) => Array.from(ui.modelo.digitos[i].pixeles);
  api.setStep = ponerPaso;
  api.setEpoch = ponerEpoca;
  api.loadModel = cargarModelo;
  api.busy = () => ui.enVuelo !== null;
}
