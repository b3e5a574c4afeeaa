/* Compiled inner loops of detection (optional: every caller falls back to Python).
 *
 * NgramTable: the sentiment model's character 1-3 gram weights in an open-addressing hash
 * table keyed by the code points themselves, so a comment's log-odds is one pass over its
 * characters with no string built, hashed or returned per n-gram. It counts exactly what
 * `LinearModel.reference_logit` counts: every unigram of the text, every bigram and trigram
 * of "^" + text + "$". See docs/detection.md (Speed) for the figures that keep it.
 */
#include "_native.h"

#include <stdint.h>
#include <string.h>

/* Raised with every change of what the module offers; native.py requires this value. */
#define NATIVE_API 5

/* A key holds up to three code points, each stored + 1 in 21 bits (0 = absent). */
#define CP_BITS 21
#define KEY1(a) ((uint64_t)(a) + 1)
#define KEY2(a, b) ((((uint64_t)(a) + 1) << CP_BITS) | ((uint64_t)(b) + 1))
#define KEY3(a, b, c) \
    ((((uint64_t)(a) + 1) << (2 * CP_BITS)) | (((uint64_t)(b) + 1) << CP_BITS) | ((uint64_t)(c) + 1))

typedef struct {
    PyObject_HEAD
    uint64_t *keys;
    double *values;
    uint64_t mask;
    Py_ssize_t size;
    double bias; /* what logit(text) adds to the sum */
} NgramTable;

static inline uint64_t slot_of(uint64_t key, uint64_t mask) {
    return (key * 0x9E3779B97F4A7C15ULL) >> 17 & mask;
}

static inline double lookup(const NgramTable *t, uint64_t key) {
    uint64_t i = slot_of(key, t->mask);
    for (;;) {
        uint64_t k = t->keys[i];
        if (k == key) return t->values[i];
        if (k == 0) return 0.0;
        i = (i + 1) & t->mask;
    }
}

static void NgramTable_dealloc(NgramTable *self) {
    PyMem_Free(self->keys);
    PyMem_Free(self->values);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int NgramTable_init(NgramTable *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"weights", "bias", NULL};
    PyObject *weights;
    double bias = 0.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!|d", kwlist, &PyDict_Type, &weights, &bias))
        return -1;
    Py_ssize_t n = PyDict_Size(weights);
    uint64_t cap = 16;
    /* At most a quarter full: short probes for the many n-grams a text has and a model lacks. */
    while (cap < (uint64_t)n * 4 + 16) cap <<= 1;
    uint64_t *keys = PyMem_Calloc(cap, sizeof(uint64_t));
    double *values = PyMem_Calloc(cap, sizeof(double));
    if (keys == NULL || values == NULL) {
        PyMem_Free(keys);
        PyMem_Free(values);
        PyErr_NoMemory();
        return -1;
    }
    PyObject *gram, *weight;
    Py_ssize_t pos = 0, stored = 0;
    while (PyDict_Next(weights, &pos, &gram, &weight)) {
        if (!PyUnicode_Check(gram)) {
            PyErr_SetString(PyExc_TypeError, "n-gram keys must be str");
            goto fail;
        }
        double value = PyFloat_AsDouble(weight);
        if (value == -1.0 && PyErr_Occurred()) goto fail;
        Py_ssize_t len = PyUnicode_GET_LENGTH(gram);
        if (len < 1 || len > 3) continue; /* the model reads 1-3 grams only */
        Py_UCS4 c[3];
        for (Py_ssize_t j = 0; j < len; j++) c[j] = PyUnicode_READ_CHAR(gram, j);
        uint64_t key = len == 1 ? KEY1(c[0]) : len == 2 ? KEY2(c[0], c[1]) : KEY3(c[0], c[1], c[2]);
        uint64_t i = slot_of(key, cap - 1);
        while (keys[i] != 0 && keys[i] != key) i = (i + 1) & (cap - 1);
        if (keys[i] == 0) stored++;
        keys[i] = key;
        values[i] = value;
    }
    PyMem_Free(self->keys);
    PyMem_Free(self->values);
    self->keys = keys;
    self->values = values;
    self->mask = cap - 1;
    self->size = stored;
    self->bias = bias;
    return 0;
fail:
    PyMem_Free(keys);
    PyMem_Free(values);
    return -1;
}

/* The summed weights of the text's unigrams and of the bigrams and trigrams of "^" + text +
 * "$" ('^' and '$' alone are no unigram); -1.0 with an exception set when text is no str. */
static double ngram_total(const NgramTable *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be str");
        return -1.0;
    }
    if (self->keys == NULL) return 0.0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    double total = 0.0;
    Py_UCS4 p2 = '^', p1; /* the two characters before the current one */
    if (n == 0) return lookup(self, KEY2('^', '$'));
    p1 = PyUnicode_READ(kind, data, 0);
    if (p1 != '^' && p1 != '$') total += lookup(self, KEY1(p1));
    total += lookup(self, KEY2('^', p1));
    for (Py_ssize_t i = 1; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c != '^' && c != '$') total += lookup(self, KEY1(c));
        total += lookup(self, KEY2(p1, c));
        total += lookup(self, KEY3(p2, p1, c));
        p2 = p1;
        p1 = c;
    }
    total += lookup(self, KEY2(p1, '$'));
    total += lookup(self, KEY3(p2, p1, '$'));
    return total;
}

/* sum(text): the summed weights of the text's n-grams. */
static PyObject *NgramTable_sum(NgramTable *self, PyObject *text) {
    double total = ngram_total(self, text);
    if (total == -1.0 && PyErr_Occurred()) return NULL;
    return PyFloat_FromDouble(total);
}

/* logit(text): bias + sum(text), in one call (LinearModel.logit). */
static PyObject *NgramTable_logit(NgramTable *self, PyObject *text) {
    double total = ngram_total(self, text);
    if (total == -1.0 && PyErr_Occurred()) return NULL;
    return PyFloat_FromDouble(self->bias + total);
}

static PyObject *NgramTable_len(NgramTable *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromSsize_t(self->size);
}

static PyMethodDef NgramTable_methods[] = {
    {"sum", (PyCFunction)NgramTable_sum, METH_O,
     "sum(text) -> float: the weights of the text's 1-3 grams (bigrams and trigrams of ^text$)."},
    {"logit", (PyCFunction)NgramTable_logit, METH_O, "logit(text) -> float: bias + sum(text)."},
    {"stored", (PyCFunction)NgramTable_len, METH_NOARGS, "stored() -> int: n-grams held."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject NgramTableType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "monitor.detect._native.NgramTable",
    .tp_basicsize = sizeof(NgramTable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "NgramTable(weights: dict[str, float], bias: float = 0.0): character 1-3 gram weights.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)NgramTable_init,
    .tp_dealloc = (destructor)NgramTable_dealloc,
    .tp_methods = NgramTable_methods,
};


/* NgramPair: two NgramTables merged into one table whose slots hold both models' weights,
 * so the two log-odds of one text (the second opinion's and sentiment's, over the same
 * model text) come from one pass and one probe per n-gram instead of two. Each sum adds the
 * same terms in the same order as `ngram_total` (0.0 for an n-gram a model lacks), so
 * logits(text) == (first.logit(text), second.logit(text)) bit for bit. */
typedef struct {
    uint64_t key;
    double first;
    double second;
} PairSlot;

typedef struct {
    PyObject_HEAD
    PairSlot *slots;
    uint64_t mask;
    double first_bias;
    double second_bias;
} NgramPair;

static inline const PairSlot *pair_lookup(const NgramPair *t, uint64_t key) {
    static const PairSlot absent = {0, 0.0, 0.0};
    uint64_t i = slot_of(key, t->mask);
    for (;;) {
        const PairSlot *s = &t->slots[i];
        if (s->key == key) return s;
        if (s->key == 0) return &absent;
        i = (i + 1) & t->mask;
    }
}

static void NgramPair_dealloc(NgramPair *self) {
    PyMem_Free(self->slots);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PairSlot *pair_slot(PairSlot *slots, uint64_t mask, uint64_t key) {
    uint64_t i = slot_of(key, mask);
    while (slots[i].key != 0 && slots[i].key != key) i = (i + 1) & mask;
    slots[i].key = key;
    return &slots[i];
}

static int NgramPair_init(NgramPair *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"first", "second", NULL};
    NgramTable *first, *second;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!", kwlist, &NgramTableType, &first,
                                     &NgramTableType, &second))
        return -1;
    if (first->keys == NULL || second->keys == NULL) {
        PyErr_SetString(PyExc_ValueError, "NgramTable not initialized");
        return -1;
    }
    uint64_t n = (uint64_t)first->size + (uint64_t)second->size, cap = 16;
    while (cap < n * 4 + 16) cap <<= 1; /* at most a quarter full, as NgramTable */
    PairSlot *slots = PyMem_Calloc(cap, sizeof(PairSlot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (uint64_t i = 0; i <= first->mask; i++)
        if (first->keys[i] != 0) pair_slot(slots, cap - 1, first->keys[i])->first = first->values[i];
    for (uint64_t i = 0; i <= second->mask; i++)
        if (second->keys[i] != 0)
            pair_slot(slots, cap - 1, second->keys[i])->second = second->values[i];
    PyMem_Free(self->slots);
    self->slots = slots;
    self->mask = cap - 1;
    self->first_bias = first->bias;
    self->second_bias = second->bias;
    return 0;
}

/* logits(text) -> (first.logit(text), second.logit(text)). */
static PyObject *NgramPair_logits(NgramPair *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be str");
        return NULL;
    }
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "NgramPair not initialized");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    double a, b;
    const PairSlot *s;
    if (n == 0) {
        s = pair_lookup(self, KEY2('^', '$'));
        a = s->first;
        b = s->second;
    } else {
        double ta = 0.0, tb = 0.0;
        Py_UCS4 p2 = '^', p1 = PyUnicode_READ(kind, data, 0);
        if (p1 != '^' && p1 != '$') {
            s = pair_lookup(self, KEY1(p1));
            ta += s->first;
            tb += s->second;
        }
        s = pair_lookup(self, KEY2('^', p1));
        ta += s->first;
        tb += s->second;
        for (Py_ssize_t i = 1; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c != '^' && c != '$') {
                s = pair_lookup(self, KEY1(c));
                ta += s->first;
                tb += s->second;
            }
            s = pair_lookup(self, KEY2(p1, c));
            ta += s->first;
            tb += s->second;
            s = pair_lookup(self, KEY3(p2, p1, c));
            ta += s->first;
            tb += s->second;
            p2 = p1;
            p1 = c;
        }
        s = pair_lookup(self, KEY2(p1, '$'));
        ta += s->first;
        tb += s->second;
        s = pair_lookup(self, KEY3(p2, p1, '$'));
        ta += s->first;
        tb += s->second;
        a = ta;
        b = tb;
    }
    PyObject *out = PyTuple_New(2);
    if (out == NULL) return NULL;
    PyObject *fa = PyFloat_FromDouble(self->first_bias + a);
    if (fa == NULL) {
        Py_DECREF(out);
        return NULL;
    }
    PyTuple_SET_ITEM(out, 0, fa);
    PyObject *fb = PyFloat_FromDouble(self->second_bias + b);
    if (fb == NULL) {
        Py_DECREF(out);
        return NULL;
    }
    PyTuple_SET_ITEM(out, 1, fb);
    return out;
}

static PyMethodDef NgramPair_methods[] = {
    {"logits", (PyCFunction)NgramPair_logits, METH_O,
     "logits(text) -> (float, float): first.logit(text), second.logit(text) in one pass."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject NgramPairType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "monitor.detect._native.NgramPair",
    .tp_basicsize = sizeof(NgramPair),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "NgramPair(first: NgramTable, second: NgramTable): both tables' log-odds in one pass.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)NgramPair_init,
    .tp_dealloc = (destructor)NgramPair_dealloc,
    .tp_methods = NgramPair_methods,
};

/* Folder: the base, collapsed and pinyin views of a text in one call (see normalize.py).
 * fold[cp] >= 0: the code point it becomes; FOLD_KEEP: itself; FOLD_DELETE: nothing;
 * <= FOLD_EXPAND: index FOLD_EXPAND - v into the expansions (several characters).
 * pinyin[cp]: the code the pinyin view writes for a character of the collapsed view. */
#define MAX_CP 0x110000
#define FOLD_KEEP (-1)
#define FOLD_DELETE (-2)
#define FOLD_EXPAND (-3)

typedef struct {
    PyObject_HEAD
    int32_t *fold;
    uint32_t *pinyin;
    Py_UCS4 **expansions;
    Py_ssize_t *expansion_len;
    Py_ssize_t n_expansions;
    Py_ssize_t max_expansion;
    PyTypeObject *views_type;
    uint8_t *marks; /* bits a character sets in Views.marks (see normalize.py), or NULL */
} Folder;

/* The mark a character sets from the original text; the others it sets from the base view. */
#define MARK_ORIGINAL 8
/* Three characters in a row marked NUMERAL in the base view set NUMERAL_RUN (normalize.py). */
#define MARK_NUMERAL 4
#define MARK_NUMERAL_RUN 16

static void Folder_clear(Folder *self) {
    PyMem_Free(self->fold);
    PyMem_Free(self->pinyin);
    for (Py_ssize_t i = 0; i < self->n_expansions; i++) PyMem_Free(self->expansions[i]);
    PyMem_Free(self->expansions);
    PyMem_Free(self->expansion_len);
    PyMem_Free(self->marks);
    Py_CLEAR(self->views_type);
    self->marks = NULL;
    self->fold = NULL;
    self->pinyin = NULL;
    self->expansions = NULL;
    self->expansion_len = NULL;
    self->n_expansions = 0;
}

static void Folder_dealloc(Folder *self) {
    Folder_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int code_point(PyObject *key, long *out) {
    long cp = PyLong_AsLong(key);
    if (cp == -1 && PyErr_Occurred()) return -1;
    if (cp < 0 || cp >= MAX_CP) {
        PyErr_Format(PyExc_ValueError, "code point out of range: %ld", cp);
        return -1;
    }
    *out = cp;
    return 0;
}

static int Folder_init(Folder *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"entries", "deleted", "pinyin", "views_type", "marks", NULL};
    PyObject *entries, *deleted, *pinyin, *views_type, *marks = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO!O!|O!", kwlist, &PyDict_Type, &entries,
                                     &deleted, &PyDict_Type, &pinyin, &PyType_Type, &views_type,
                                     &PyDict_Type, &marks))
        return -1;
    if (!PyType_IsSubtype((PyTypeObject *)views_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "views_type must be a tuple type");
        return -1;
    }
    Folder_clear(self);
    self->fold = PyMem_Malloc(MAX_CP * sizeof(int32_t));
    self->pinyin = PyMem_Malloc(MAX_CP * sizeof(uint32_t));
    Py_ssize_t n_entries = PyDict_Size(entries);
    self->expansions = PyMem_Calloc(n_entries + 1, sizeof(Py_UCS4 *));
    self->expansion_len = PyMem_Calloc(n_entries + 1, sizeof(Py_ssize_t));
    if (!self->fold || !self->pinyin || !self->expansions || !self->expansion_len) {
        PyErr_NoMemory();
        return -1;
    }
    self->max_expansion = 1;
    for (uint32_t cp = 0; cp < MAX_CP; cp++) {
        self->fold[cp] = FOLD_KEEP;
        self->pinyin[cp] = cp;
    }
    /* Deleted ranges first: an explicit entry inside a range wins, as in FoldTable.lookup. */
    PyObject *it = PyObject_GetIter(deleted);
    if (it == NULL) return -1;
    PyObject *item;
    while ((item = PyIter_Next(it)) != NULL) {
        long lo, hi;
        if (!PyArg_ParseTuple(item, "ll", &lo, &hi) || lo < 0 || hi >= MAX_CP || lo > hi) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "bad deleted range");
            Py_DECREF(item);
            Py_DECREF(it);
            return -1;
        }
        Py_DECREF(item);
        for (long cp = lo; cp <= hi; cp++) self->fold[cp] = FOLD_DELETE;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return -1;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(entries, &pos, &key, &value)) {
        long cp;
        if (code_point(key, &cp) < 0) return -1;
        if (value == Py_None) {
            self->fold[cp] = FOLD_DELETE;
        } else if (PyLong_Check(value)) {
            long to;
            if (code_point(value, &to) < 0) return -1;
            self->fold[cp] = (int32_t)to;
        } else if (PyUnicode_Check(value)) {
            Py_ssize_t len = PyUnicode_GET_LENGTH(value);
            if (len == 1) {
                self->fold[cp] = (int32_t)PyUnicode_READ_CHAR(value, 0);
            } else if (len == 0) {
                self->fold[cp] = FOLD_DELETE;
            } else {
                Py_UCS4 *chars = PyUnicode_AsUCS4Copy(value);
                if (chars == NULL) return -1;
                self->expansions[self->n_expansions] = chars;
                self->expansion_len[self->n_expansions] = len;
                self->fold[cp] = (int32_t)(FOLD_EXPAND - self->n_expansions);
                self->n_expansions++;
                if (len > self->max_expansion) self->max_expansion = len;
            }
        } else {
            PyErr_SetString(PyExc_TypeError, "fold values must be int, str or None");
            return -1;
        }
    }
    pos = 0;
    while (PyDict_Next(pinyin, &pos, &key, &value)) {
        long cp, to;
        if (code_point(key, &cp) < 0 || code_point(value, &to) < 0) return -1;
        self->pinyin[cp] = (uint32_t)to;
    }
    if (marks != NULL) {
        self->marks = PyMem_Calloc(MAX_CP, sizeof(uint8_t));
        if (self->marks == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        pos = 0;
        while (PyDict_Next(marks, &pos, &key, &value)) {
            long cp, bits = PyLong_AsLong(value);
            if (code_point(key, &cp) < 0) return -1;
            if (bits == -1 && PyErr_Occurred()) return -1;
            if (bits < 0 || bits > 255) {
                PyErr_Format(PyExc_ValueError, "marks must be 0-255: %ld", bits);
                return -1;
            }
            self->marks[cp] = (uint8_t)bits;
        }
    }
    Py_INCREF(views_type);
    self->views_type = (PyTypeObject *)views_type;
    return 0;
}

/* Whether a Folder method may read `text`: a str, and the folder's tables built. */
static int folder_ready(Folder *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be str");
        return 0;
    }
    if (self->fold == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Folder not initialized");
        return 0;
    }
    return 1;
}

/* views(text) -> Views(base, collapsed, pinyin, marks): marks ORs the MARK_ORIGINAL bit of
 * every character of the text and the other bits of every character of the base view, and
 * MARK_NUMERAL_RUN for three MARK_NUMERAL characters in a row in the base view. */
static PyObject *Folder_views(Folder *self, PyObject *text) {
    if (!folder_ready(self, text)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t cap = n * self->max_expansion;
    Py_UCS4 small[3 * 256];
    Py_UCS4 *buf = cap <= 256 ? small : PyMem_Malloc(3 * (cap ? cap : 1) * sizeof(Py_UCS4));
    if (buf == NULL) return PyErr_NoMemory();
    Py_UCS4 *base = buf, *collapsed = buf + (cap <= 256 ? 256 : cap);
    Py_UCS4 *pin = collapsed + (cap <= 256 ? 256 : cap);
    Py_ssize_t nb = 0, nc = 0;
    const uint8_t *mk = self->marks;
    unsigned int m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        int32_t f = self->fold[c];
        if (mk != NULL) m |= mk[c] & MARK_ORIGINAL;
        if (f >= 0) {
            base[nb++] = (Py_UCS4)f;
        } else if (f == FOLD_KEEP) {
            base[nb++] = c;
        } else if (f <= FOLD_EXPAND) {
            Py_ssize_t e = FOLD_EXPAND - f;
            memcpy(base + nb, self->expansions[e], self->expansion_len[e] * sizeof(Py_UCS4));
            nb += self->expansion_len[e];
        }
    }
    int numerals = 0; /* NUMERAL characters in a row */
    for (Py_ssize_t i = 0; i < nb; i++) {
        if (mk != NULL) {
            m |= mk[base[i]] & ~MARK_ORIGINAL;
            numerals = mk[base[i]] & MARK_NUMERAL ? numerals + 1 : 0;
            if (numerals >= 3) m |= MARK_NUMERAL_RUN;
        }
        if (nc > 0 && collapsed[nc - 1] == base[i]) continue;
        collapsed[nc] = base[i];
        pin[nc] = self->pinyin[base[i]];
        nc++;
    }
    PyObject *result = NULL;
    PyObject *b = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, base, nb);
    PyObject *c = NULL, *p = NULL, *mo = NULL;
    if (b == NULL) goto done;
    if (nc == nb) {
        c = Py_NewRef(b); /* nothing collapsed: one string for both, as collapse() does */
    } else {
        c = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, collapsed, nc);
        if (c == NULL) goto done;
    }
    p = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, pin, nc);
    if (p == NULL) goto done;
    mo = PyLong_FromUnsignedLong(m); /* small ints are cached: no allocation */
    if (mo == NULL) goto done;
    result = self->views_type->tp_alloc(self->views_type, 4);
    if (result == NULL) goto done;
    PyTuple_SET_ITEM(result, 0, b);
    PyTuple_SET_ITEM(result, 1, c);
    PyTuple_SET_ITEM(result, 2, p);
    PyTuple_SET_ITEM(result, 3, mo);
    b = c = p = mo = NULL;
done:
    Py_XDECREF(b);
    Py_XDECREF(c);
    Py_XDECREF(p);
    Py_XDECREF(mo);
    if (buf != small) PyMem_Free(buf);
    return result;
}

/* offsets(text) -> None when every character of the text folds to exactly one character
 * (the base view maps onto it index for index), else, for each base-view index, the index
 * of the original character it came from (Normalizer.base_offsets). */
static PyObject *Folder_offsets(Folder *self, PyObject *text) {
    if (!folder_ready(self, text)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t nb = 0;
    int same = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t f = self->fold[PyUnicode_READ(kind, data, i)];
        if (f >= 0 || f == FOLD_KEEP) {
            nb++;
        } else if (f <= FOLD_EXPAND) {
            nb += self->expansion_len[FOLD_EXPAND - f];
            same = 0;
        } else {
            same = 0;
        }
    }
    if (same) Py_RETURN_NONE;
    PyObject *out = PyList_New(nb);
    if (out == NULL) return NULL;
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t f = self->fold[PyUnicode_READ(kind, data, i)];
        Py_ssize_t count = f >= 0 || f == FOLD_KEEP ? 1
                           : f <= FOLD_EXPAND      ? self->expansion_len[FOLD_EXPAND - f]
                                                   : 0;
        if (count == 0) continue;
        PyObject *index = PyLong_FromSsize_t(i);
        if (index == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        for (Py_ssize_t k = 0; k < count; k++) {
            Py_INCREF(index);
            PyList_SET_ITEM(out, j++, index);
        }
        Py_DECREF(index);
    }
    return out;
}

static PyMethodDef Folder_methods[] = {
    {"views", (PyCFunction)Folder_views, METH_O,
     "views(text) -> Views: the base, collapsed and pinyin views of a text and its marks."},
    {"offsets", (PyCFunction)Folder_offsets, METH_O,
     "offsets(text) -> list[int] | None: each base-view index's original index (None: the same)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FolderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "monitor.detect._native.Folder",
    .tp_basicsize = sizeof(Folder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Folder(entries, deleted, pinyin, views_type, marks=None): the normalization views in C.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Folder_init,
    .tp_dealloc = (destructor)Folder_dealloc,
    .tp_methods = Folder_methods,
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT, "_native", "Compiled inner loops of detection.", -1, NULL,
};

PyMODINIT_FUNC PyInit__native(void) {
    if (PyType_Ready(&NgramTableType) < 0 || PyType_Ready(&NgramPairType) < 0 ||
        PyType_Ready(&FolderType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&native_module);
    if (m == NULL) return NULL;
    /* What native.py checks before using the module: a build of an older _native.c lacks
     * methods the Python side calls (Folder.offsets, NgramTable.logit, NgramPair, Automaton). */
    if (PyModule_AddIntConstant(m, "API", NATIVE_API) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&NgramTableType);
    if (PyModule_AddObject(m, "NgramTable", (PyObject *)&NgramTableType) < 0) {
        Py_DECREF(&NgramTableType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&NgramPairType);
    if (PyModule_AddObject(m, "NgramPair", (PyObject *)&NgramPairType) < 0) {
        Py_DECREF(&NgramPairType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&FolderType);
    if (PyModule_AddObject(m, "Folder", (PyObject *)&FolderType) < 0) {
        Py_DECREF(&FolderType);
        Py_DECREF(m);
        return NULL;
    }
    if (add_automaton_type(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
