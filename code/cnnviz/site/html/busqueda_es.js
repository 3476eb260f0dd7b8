
/* Búsqueda en español que no distingue tildes ni mayúsculas (cnnviz).
 *
 * Se añade al final de lunr.es.min.js, que el worker de búsqueda de Material
 * carga con importScripts (ver code/cnnviz/site/search_index.py). Cambia lo
 * que indexa lunr y cómo lee los términos de la consulta:
 *
 * - índice: cada palabra sin signos en los extremos, en minúsculas y sin
 *   tildes («Convolución,» -> «convolucion»), y además su raíz (lematizador
 *   Snowball de español: «convolu») y sus sinónimos («pooling» -> «agrupación»);
 * - consulta: cada término pasa por lo mismo y se queda en su raíz, que se
 *   busca como prefijo (Material añade «*» a cada término).
 *
 * Así «convolucion» y «convolución» dan exactamente los mismos resultados.
 */
(function (lunr) {
  var spanish = lunr.es;
  var snowball = lunr.es.stemmer;

  // Sin signos alrededor, en minúsculas y sin tildes ni diéresis
  function fold(word) {
    return word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")
      .toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  }

  // El lematizador reconoce sufijos con tilde («-ación»), que sin ella no
  // quitaría: se les devuelve la tilde (en español siempre la llevan).
  var ACCENTED = [[/acion$/, "ación"], [/ucion$/, "ución"], [/logia(s?)$/, "logía$1"]];

  function root(folded) {
    var word = folded;
    ACCENTED.forEach(function (rule) { word = word.replace(rule[0], rule[1]); });
    return fold(snowball(word));
  }

  // Sinónimos: quien busca una palabra de la derecha encuentra la de la izquierda
  var SYNONYMS = { pooling: ["agrupación", "agrupamiento"] };

  // Cómo se escribe cada palabra plegada en el texto (la forma más frecuente),
  // para mostrar las sugerencias de Material con sus tildes
  var spellings = {};

  // Índice, primer paso: palabra plegada (antes del filtro de palabras vacías)
  function plegar(token) {
    var original = token.toString();
    var folded = fold(original);
    if (!folded) return undefined;
    var counts = spellings[folded] = spellings[folded] || {};
    original = original.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    counts[original] = (counts[original] || 0) + 1;
    return token.update(function () { return folded; });
  }

  // Índice, último paso: la palabra, su raíz y sus sinónimos, en la misma posición
  function raices(token) {
    var word = token.toString();
    var terms = [word, root(word)];
    (SYNONYMS[word] || []).forEach(function (synonym) {
      terms.push(fold(synonym), root(fold(synonym)));
    });
    return terms
      .filter(function (term, i) { return term && terms.indexOf(term) === i; })
      .map(function (term) { return token.clone(function () { return term; }); });
  }

  // Consulta (sugerencias de Material): plegado, conservando los comodines «*»
  function plegarConsulta(token) {
    var parts = /^(\**)(.*?)(\**)$/.exec(token.toString());
    var folded = fold(parts[2]);
    return folded ? token.update(function () { return parts[1] + folded + parts[3]; }) : token;
  }

  lunr.Pipeline.registerFunction(plegar, "plegar-es");
  lunr.Pipeline.registerFunction(raices, "raices-es");
  lunr.Pipeline.registerFunction(plegarConsulta, "plegar-consulta-es");

  // Idioma «es» con estos pasos. Después, Material quita los de lunr.es que
  // su configuración no pide (trimmer, stopWordFilter, stemmer): no estos.
  lunr.es = function () {
    spanish.apply(this, arguments);
    this.pipeline.reset();
    this.pipeline.add(plegar, lunr.es.stopWordFilter, raices);
    if (this.searchPipeline) {
      this.searchPipeline.reset();
      this.searchPipeline.add(plegarConsulta);
    }
  };
  Object.keys(spanish).forEach(function (key) { lunr.es[key] = spanish[key]; });

  // Consulta: cada término, plegado y reducido a su raíz (con sus «*»).
  // Se recuerda qué escribió el lector para cada raíz.
  var typed = {};
  var parseTerm = lunr.QueryParser.parseTerm;
  lunr.QueryParser.parseTerm = function (parser) {
    var lexeme = parser.peekLexeme();
    if (lexeme && lexeme.type === lunr.QueryLexer.TERM) {
      var parts = /^(\**)(.*?)(\**)$/.exec(lexeme.str);
      var folded = fold(parts[2]);
      if (folded) {
        var stem = root(folded);
        typed[stem] = parts[2].toLowerCase();
        lexeme.str = parts[1] + stem + parts[3];
      }
    }
    return parseTerm(parser);
  };

  // Una palabra indexada da varios términos en la misma posición (palabra,
  // raíz, sinónimos): cada posición se cuenta una vez, o Material la
  // resaltaría dos veces y rompería el marcado del resultado.
  var query = lunr.Index.prototype.query;
  lunr.Index.prototype.query = function () {
    return query.apply(this, arguments).map(function (result) {
      var seen = {};
      var metadata = result.matchData.metadata;
      Object.keys(metadata).forEach(function (term) {
        Object.keys(metadata[term]).forEach(function (field) {
          var data = metadata[term][field];
          if (data.position) data.position = data.position.filter(function (position) {
            var key = field + " " + position;
            return seen[key] ? false : (seen[key] = true);
          });
        });
      });
      return result;
    });
  };

  // Cómo se escribe en el sitio un término del índice (la forma más frecuente)
  function spelling(term) {
    var counts = spellings[term];
    if (!counts) return undefined;
    return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })[0];
  }

  // Lo que devuelve el worker habla de raíces; el lector ve sus palabras:
  // - cada resultado dice qué términos de la consulta contiene («Falta: …»,
  //   resaltado en la página de destino): con la palabra tecleada, escrita
  //   como en el sitio si está en él («activacion» -> «activación»);
  // - la sugerencia que completa la última palabra: escrita como en el
  //   sitio, con tildes (una raíz o un sinónimo no se proponen).
  var post = self.postMessage;
  self.postMessage = function (message) {
    if (message && message.type === 3 && message.data) {           // RESULT
      (message.data.items || []).forEach(function (group) {
        group.forEach(function (item) {
          var terms = {};
          Object.keys(item.terms || {}).forEach(function (term) {
            var word = typed[term];
            terms[word ? spelling(fold(word)) || word : term] = item.terms[term];
          });
          item.terms = terms;
        });
      });
      if (message.data.suggest)
        message.data.suggest = message.data.suggest.map(spelling).filter(Boolean);
    }
    return post.apply(self, arguments);
  };
})(self.lunr);
