// Números en español según la RAE, los mismos que da cnnviz.spanish en Python:
// coma decimal, signo menos «−» (U+2212), sin separador en los números de
// cuatro cifras (1290), desde cinco cifras grupos de tres separados por un
// espacio fino que no parte la línea (12 345, U+202F), y «%» separado de la
// cifra por un espacio de no separación (98,0 %, U+00A0).
// El redondeo es el de Python: el valor binario exacto, y los empates exactos
// (0,125 con dos decimales) al par, no hacia arriba como toFixed.

export const MENOS = "\u2212";
export const ESPACIO_FINO = "\u202F";
export const SIN_SEPARACION = "\u00A0";

function agrupar(cifras) {
  if (cifras.length < 5) return cifras;
  const cabeza = cifras.length % 3 || 3, grupos = [cifras.slice(0, cabeza)];
  for (let i = cabeza; i < cifras.length; i += 3) grupos.push(cifras.slice(i, i + 3));
  return grupos.join(ESPACIO_FINO);
}

// Suma 1 a la última cifra de una cadena de cifras («199» → «200», «99» → «100»)
function masUno(cifras) {
  const d = cifras.split("");
  let i = d.length - 1;
  while (i >= 0 && d[i] === "9") d[i--] = "0";
  if (i < 0) return `1${d.join("")}`;
  d[i] = String(Number(d[i]) + 1);
  return d.join("");
}

// |x| con `lugares` decimales, como f"{abs(x):.{lugares}f}" de Python: [entera, fracción]
function redondear(x, lugares) {
  if (x >= 1e21) return [BigInt(x).toString(), "0".repeat(lugares)];   // entero exacto
  // 40 cifras más que las pedidas: la expansión exacta de un empate es finita y
  // cabe; un valor que no es empate se separa de él antes de la cifra 40
  const largo = x.toFixed(Math.min(100, lugares + 40));
  const [ent, frac] = largo.split(".");
  const todas = ent + frac.slice(0, lugares), resto = frac.slice(lugares);
  const empate = /^50*$/.test(resto), arriba = resto[0] > "5" || (resto[0] === "5" && !empate);
  const par = Number(todas[todas.length - 1]) % 2 === 0;
  const r = arriba || (empate && !par) ? masUno(todas) : todas;
  const corte = r.length - lugares;
  return [r.slice(0, corte) || "0", r.slice(corte)];
}

// Un número con `lugares` decimales: decimal(-0.5, 1) → «−0,5»
export function decimal(x, lugares = 2) {
  x = Number(x);
  if (!Number.isFinite(x)) throw new RangeError(`se esperaba un número finito; llegó ${x}`);
  if (!(Number.isInteger(lugares) && lugares >= 0 && lugares <= 20)) {
    throw new RangeError(`los decimales van de 0 a 20; llegó ${lugares}`);
  }
  const [ent, frac] = redondear(Math.abs(x), lugares);
  const cero = /^0*$/.test(ent + frac);
  const signo = x < 0 && !cero ? MENOS : "";   // sin «−0,00»
  return signo + agrupar(ent) + (lugares > 0 ? `,${frac}` : "");
}

// Un entero: entero(1290) → «1290»; entero(12345) → «12 345»
export function entero(n) {
  if (!Number.isInteger(n)) throw new RangeError(`se esperaba un número entero; llegó ${n}`);
  return (n < 0 ? MENOS : "") + agrupar(BigInt(Math.abs(n)).toString());
}

// Una fracción como porcentaje: porcentaje(0.8973) → «89,7 %»
export function porcentaje(fraccion, lugares = 1) {
  return `${decimal(100 * Number(fraccion), lugares)}${SIN_SEPARACION}%`;
}
