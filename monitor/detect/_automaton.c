/* Automaton: many literal patterns found in a text by code point (part of _native).
 *
 * The same matches, in the same order, as ahocorasick_rs.AhoCorasick(patterns, matchkind)
 * .find_matches_as_indexes(text, overlapping) for the two ways detection searches: every
 * occurrence of every pattern (Standard, overlapping) and the leftmost-longest occurrences
 * (LeftmostLongest, not overlapping). It reads the str's code points as they are stored:
 * no UTF-8 copy of the text, no byte-to-character index map, no lock released and taken
 * back per call. Comments are short (at most a few hundred characters) and a pattern a few
 * characters, so a trie walked from each position (one hash probe a character) is as fast
 * as the automaton's failure links and gives the order by sorting: matches by end, then
 * the longer (earlier start) first, then by pattern index (the order aho-corasick reports
 * a state's matches in).
 * Standard without overlapping keeps, from there, the first match and the next that
 * starts after it, and so on.
 */
#include "_native.h"

#include <stdint.h>
#include <string.h>

/* One transition: (node << 21 | code point) -> the next node, with the lowest index of
 * the patterns ending there; a step reads one slot (its node and patterns side by side). */
typedef struct {
    uint64_t key; /* 0: empty (nodes are numbered from 1) */
    uint32_t child;
    int32_t pattern; /* -1: no pattern ends at `child` */
} Slot;

typedef struct {
    PyObject_HEAD
    uint32_t *root;        /* root[cp]: the slot of the first character + 1, 0 when none */
    uint32_t root_size;    /* above the patterns' highest first character: none */
    Slot *slots;
    uint64_t mask;
    int bits; /* mask == 2**bits - 1 */
    int32_t *next_pattern; /* pattern -> the next higher index with the same text, or -1 */
    Py_ssize_t n_patterns;
    int leftmost_longest;
} Automaton;

typedef struct {
    Py_ssize_t end, start;
    int32_t pattern;
} Found;

static void Automaton_clear(Automaton *self) {
    PyMem_Free(self->root);
    PyMem_Free(self->slots);
    PyMem_Free(self->next_pattern);
    self->root = NULL;
    self->slots = NULL;
    self->next_pattern = NULL;
    self->n_patterns = 0;
}

static void Automaton_dealloc(Automaton *self) {
    Automaton_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The slot of the transition `key`, or of the empty slot where it would go (Fibonacci
 * hashing: the product's top bits, as many as the mask has). */
static inline uint64_t probe(const Slot *slots, uint64_t mask, int bits, uint64_t key) {
    uint64_t s = (key * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
    while (slots[s].key != 0 && slots[s].key != key) s = (s + 1) & mask;
    return s;
}

static int Automaton_init(Automaton *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"patterns", "leftmost_longest", NULL};
    PyObject *patterns;
    int leftmost_longest = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|p", kwlist, &patterns, &leftmost_longest))
        return -1;
    PyObject *seq = PySequence_Fast(patterns, "patterns must be a sequence of str");
    if (seq == NULL) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    uint64_t chars = 0;
    uint32_t root_size = 1; /* the table of first characters: as far as the patterns need */
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(items[i])) {
            PyErr_SetString(PyExc_TypeError, "patterns must be str");
            Py_DECREF(seq);
            return -1;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(items[i]);
        if (len == 0) {
            PyErr_SetString(PyExc_ValueError, "You passed in an empty string as a pattern");
            Py_DECREF(seq);
            return -1;
        }
        chars += (uint64_t)len;
        Py_UCS4 first = PyUnicode_READ_CHAR(items[i], 0);
        if (first >= root_size) root_size = first + 1;
    }
    if (chars >= (1ULL << 40) || n >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many patterns");
        Py_DECREF(seq);
        return -1;
    }
    Automaton_clear(self);
    uint64_t cap = 16;
    int bits = 4;
    while (cap < chars * 2) { /* at most half full: short probes */
        cap <<= 1;
        bits++;
    }
    self->slots = PyMem_Calloc(cap, sizeof(Slot));
    self->root = PyMem_Calloc(root_size, sizeof(uint32_t));
    self->root_size = root_size;
    self->next_pattern = PyMem_Malloc((n ? n : 1) * sizeof(int32_t));
    if (!self->slots || !self->root || !self->next_pattern || cap - 1 > UINT32_MAX) {
        Automaton_clear(self);
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    self->mask = cap - 1;
    self->bits = bits;
    uint64_t nodes = 1; /* node 0 is the root */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = items[i];
        int kind = PyUnicode_KIND(p);
        const void *data = PyUnicode_DATA(p);
        Py_ssize_t len = PyUnicode_GET_LENGTH(p);
        uint64_t node = 0, s = 0;
        for (Py_ssize_t j = 0; j < len; j++) {
            uint32_t c = PyUnicode_READ(kind, data, j);
            uint64_t key = node << 21 | c;
            if (node == 0 && self->root[c] != 0) {
                s = self->root[c] - 1;
            } else if (node == 0) {
                s = probe(self->slots, self->mask, self->bits, key | 1ULL << 63);
            } else {
                s = probe(self->slots, self->mask, self->bits, key);
            }
            if (self->slots[s].key == 0) {
                /* The root's edges are keyed apart (top bit), so no key is 0. */
                self->slots[s].key = node == 0 ? key | 1ULL << 63 : key;
                self->slots[s].child = (uint32_t)nodes++;
                self->slots[s].pattern = -1;
                if (node == 0) self->root[c] = (uint32_t)s + 1;
            }
            node = self->slots[s].child;
        }
        /* Patterns come in index order: appended, a node's list stays ascending. */
        self->next_pattern[i] = -1;
        int32_t *at = &self->slots[s].pattern;
        while (*at >= 0) at = &self->next_pattern[*at];
        *at = (int32_t)i;
    }
    Py_DECREF(seq);
    /* Sized by characters while building; by the transitions made (fewer: shared prefixes)
     * from here on. */
    uint64_t fit = 16;
    int fit_bits = 4;
    while (fit < nodes * 2) {
        fit <<= 1;
        fit_bits++;
    }
    if (fit < cap) {
        Slot *slots = PyMem_Calloc(fit, sizeof(Slot));
        if (slots == NULL) {
            Automaton_clear(self);
            PyErr_NoMemory();
            return -1;
        }
        for (uint64_t k = 0; k < cap; k++) {
            const Slot *old = &self->slots[k];
            if (old->key == 0) continue;
            uint64_t at = probe(slots, fit - 1, fit_bits, old->key);
            slots[at] = *old;
            if (old->key >> 63) self->root[old->key & 0x1FFFFF] = (uint32_t)at + 1;
        }
        PyMem_Free(self->slots);
        self->slots = slots;
        self->mask = fit - 1;
        self->bits = fit_bits;
    }
    self->n_patterns = n;
    self->leftmost_longest = leftmost_longest;
    return 0;
}

static int found_order(const void *a, const void *b) {
    const Found *x = a, *y = b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->pattern > y->pattern) - (x->pattern < y->pattern);
}

/* A buffer of matches that starts on the stack (`small`, SMALL entries). */
#define SMALL 64
typedef struct {
    Found *at;
    Py_ssize_t used, cap;
    Found small[SMALL];
} Matches;

static void matches_init(Matches *m) {
    m->at = m->small;
    m->used = 0;
    m->cap = SMALL;
}

static void matches_free(Matches *m) {
    if (m->at != m->small) PyMem_Free(m->at);
}

static int matches_add(Matches *m, Py_ssize_t start, Py_ssize_t end, int32_t pattern) {
    if (m->used == m->cap) {
        Found *bigger = PyMem_Malloc(m->cap * 2 * sizeof(Found));
        if (bigger == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(bigger, m->at, m->used * sizeof(Found));
        if (m->at != m->small) PyMem_Free(m->at);
        m->at = bigger;
        m->cap *= 2;
    }
    m->at[m->used].start = start;
    m->at[m->used].end = end;
    m->at[m->used].pattern = pattern;
    m->used++;
    return 0;
}

/* The scan of `automaton_scan` for one string kind and match kind (both constants where it
 * is called: the compiler reads each character with one load, no kind switch); 1 when the
 * text holds a lone surrogate, -1 with an exception set. */
static inline __attribute__((always_inline)) int scan_kind(const Automaton *self, int kind,
                                                           int leftmost_longest,
                                                           const void *data, Py_ssize_t n,
                                                           Matches *out) {
    const uint32_t *root = self->root, root_size = self->root_size;
    const Slot *slots = self->slots;
    const int32_t *next_pattern = self->next_pattern;
    uint64_t mask = self->mask;
    int bits = self->bits;
    for (Py_ssize_t i = 0; i < n;) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        /* Every character is read here once (no pattern holds a surrogate, so none is
         * inside a match): a lone surrogate has no UTF-8, and the library fails on it. */
        if (kind != PyUnicode_1BYTE_KIND && c - 0xD800 < 0x800) return 1;
        uint32_t first = c < root_size ? root[c] : 0;
        Py_ssize_t j = i + 1, best_end = -1;
        int32_t best = -1;
        const Slot *slot = first ? &slots[first - 1] : NULL;
        while (slot != NULL) {
            int32_t p = slot->pattern;
            if (leftmost_longest) {
                if (p >= 0) {
                    best = p;
                    best_end = j;
                }
            } else {
                for (; p >= 0; p = next_pattern[p])
                    if (matches_add(out, i, j, p) < 0) return -1;
            }
            if (j == n) break;
            uint64_t key = (uint64_t)slot->child << 21 | PyUnicode_READ(kind, data, j);
            slot = &slots[probe(slots, mask, bits, key)];
            if (slot->key == 0) break;
            j++;
        }
        if (best >= 0) {
            if (matches_add(out, i, best_end, best) < 0) return -1;
            i = best_end; /* not overlapping: the search goes on after the match */
        } else {
            i++;
        }
    }
    return 0;
}

/* The matches of the patterns in `text`, in the library's order, into `out` (initialized
 * by the caller, freed by the caller); -1 with an exception set. */
static int automaton_scan(const Automaton *self, PyObject *text, int overlapping, Matches *out) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "haystack must be str");
        return -1;
    }
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Automaton not initialized");
        return -1;
    }
    if (overlapping && self->leftmost_longest) {
        PyErr_SetString(PyExc_ValueError,
                        "leftmost-longest matches cannot be overlapping (as in aho-corasick)");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    int rc;
    int ll = self->leftmost_longest != 0;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        rc = ll ? scan_kind(self, PyUnicode_1BYTE_KIND, 1, data, n, out)
                : scan_kind(self, PyUnicode_1BYTE_KIND, 0, data, n, out);
        break;
    case PyUnicode_2BYTE_KIND:
        rc = ll ? scan_kind(self, PyUnicode_2BYTE_KIND, 1, data, n, out)
                : scan_kind(self, PyUnicode_2BYTE_KIND, 0, data, n, out);
        break;
    default:
        rc = ll ? scan_kind(self, PyUnicode_4BYTE_KIND, 1, data, n, out)
                : scan_kind(self, PyUnicode_4BYTE_KIND, 0, data, n, out);
        break;
    }
    if (rc < 0) return -1;
    if (rc > 0) {
        PyUnicode_AsUTF8AndSize(text, NULL); /* raises the codec's UnicodeEncodeError */
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "lone surrogate");
        return -1;
    }
    if (self->leftmost_longest) return 0; /* found in order */
    /* Found by start: the library's order is by end (a few matches: insertion sort). */
    if (out->used > 32) qsort(out->at, out->used, sizeof(Found), found_order);
    for (Py_ssize_t k = 1; k < out->used && out->used <= 32; k++) {
        Found f = out->at[k];
        Py_ssize_t q = k;
        for (; q > 0 && found_order(&out->at[q - 1], &f) > 0; q--) out->at[q] = out->at[q - 1];
        out->at[q] = f;
    }
    if (!overlapping) {
        /* Standard, not overlapping: the first match to end, then the search starts anew
         * after it. */
        Py_ssize_t kept = 0, after = 0;
        for (Py_ssize_t k = 0; k < out->used; k++) {
            if (out->at[k].start < after) continue;
            out->at[kept++] = out->at[k];
            after = out->at[k].end;
        }
        out->used = kept;
    }
    return 0;
}

/* (pattern, start, end) of a match, as the library gives it. */
static PyObject *match_tuple(const Found *f) {
    PyObject *item = PyTuple_New(3);
    if (item == NULL) return NULL;
    PyObject *values[3] = {PyLong_FromLong(f->pattern), PyLong_FromSsize_t(f->start),
                           PyLong_FromSsize_t(f->end)};
    for (int v = 0; v < 3; v++) {
        if (values[v] == NULL) {
            for (int w = 0; w < 3; w++) Py_XDECREF(values[w]);
            Py_DECREF(item);
            return NULL;
        }
    }
    for (int v = 0; v < 3; v++) PyTuple_SET_ITEM(item, v, values[v]);
    return item;
}

/* find_matches_as_indexes(haystack, overlapping=False) -> [(pattern, start, end), ...] */
static PyObject *Automaton_find(Automaton *self, PyObject *const *args, Py_ssize_t nargs,
                                PyObject *kwnames) {
    int overlapping = 0;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs < 1 || nargs + nkw > 2 ||
        (nkw && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), "overlapping"))) {
        PyErr_SetString(PyExc_TypeError, "find_matches_as_indexes(haystack, overlapping=False)");
        return NULL;
    }
    if (nargs + nkw == 2 && (overlapping = PyObject_IsTrue(args[1])) < 0) return NULL;
    Matches found;
    matches_init(&found);
    PyObject *out = NULL;
    if (automaton_scan(self, args[0], overlapping, &found) < 0) goto done;
    out = PyList_New(found.used);
    if (out == NULL) goto done;
    for (Py_ssize_t k = 0; k < found.used; k++) {
        PyObject *item = match_tuple(&found.at[k]);
        if (item == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, k, item);
    }
done:
    matches_free(&found);
    return out;
}

/* occurs_in(text, pos=0, endpos=len(text)) -> bool: whether a pattern lies wholly inside
 * text[pos:endpos] (as `re.search(text, pos, endpos) is not None` for a regex of the
 * patterns as literal alternatives; a lone surrogate is no error here, as there). */
static PyObject *Automaton_occurs_in(Automaton *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t pos = 0, endpos = PY_SSIZE_T_MAX;
    if (!PyArg_ParseTuple(args, "U|nn:occurs_in", &text, &pos, &endpos)) return NULL;
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Automaton not initialized");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (pos < 0) pos = 0;
    if (endpos > n) endpos = n;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Slot *slots = self->slots;
    for (Py_ssize_t i = pos; i < endpos; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        uint32_t first = c < self->root_size ? self->root[c] : 0;
        const Slot *slot = first ? &slots[first - 1] : NULL;
        for (Py_ssize_t j = i + 1; slot != NULL; j++) {
            if (slot->pattern >= 0) Py_RETURN_TRUE;
            if (j == endpos) break;
            uint64_t key = (uint64_t)slot->child << 21 | PyUnicode_READ(kind, data, j);
            slot = &slots[probe(slots, self->mask, self->bits, key)];
            if (slot->key == 0) break;
        }
    }
    Py_RETURN_FALSE;
}

static PyObject *Automaton_len(Automaton *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromSsize_t(self->n_patterns);
}

static PyMethodDef Automaton_methods[] = {
    {"find_matches_as_indexes", (PyCFunction)(void (*)(void))Automaton_find,
     METH_FASTCALL | METH_KEYWORDS,
     "find_matches_as_indexes(haystack, overlapping=False) -> [(pattern, start, end)]: as "
     "ahocorasick_rs.AhoCorasick, in code points."},
    {"occurs_in", (PyCFunction)Automaton_occurs_in, METH_VARARGS,
     "occurs_in(text, pos=0, endpos=len(text)) -> bool: a pattern lies in text[pos:endpos]."},
    {"patterns", (PyCFunction)Automaton_len, METH_NOARGS, "patterns() -> int: patterns held."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "monitor.detect._native.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Automaton(patterns: list[str], leftmost_longest: bool = False): literal "
              "patterns found by code point, as ahocorasick_rs finds them.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Automaton_init,
    .tp_dealloc = (destructor)Automaton_dealloc,
    .tp_methods = Automaton_methods,
};

/* CueGate: the anchor scan of gate.CueSet. An anchor found names the regexes it stands
 * for outright (a plain-string alternative found is a match) and the regexes to search;
 * pending(text) gives both, so the Python side searches each regex once and builds no
 * match tuple. The names are bits of one int (CueSet numbers them). */
typedef struct {
    PyObject_HEAD
    Automaton *automaton; /* leftmost-longest, over the anchors */
    unsigned long *direct; /* anchor -> the bits of the names it matches outright */
    PyObject *searches;    /* anchor -> tuple of (bit, regex) to search */
    Py_ssize_t n;
} CueGate;

static void CueGate_dealloc(CueGate *self) {
    Py_CLEAR(self->automaton);
    Py_CLEAR(self->searches);
    PyMem_Free(self->direct);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int CueGate_init(CueGate *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"automaton", "direct", "searches", NULL};
    Automaton *automaton;
    PyObject *direct, *searches;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!O!", kwlist, &AutomatonType, &automaton,
                                     &PyTuple_Type, &direct, &PyTuple_Type, &searches))
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(direct);
    if (automaton->slots == NULL || !automaton->leftmost_longest ||
        automaton->n_patterns != n || PyTuple_GET_SIZE(searches) != n) {
        PyErr_SetString(PyExc_ValueError, "a leftmost-longest automaton and one mask and one "
                                          "search tuple per anchor");
        return -1;
    }
    unsigned long *bits = PyMem_Malloc((n ? n : 1) * sizeof(unsigned long));
    if (bits == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        bits[i] = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(direct, i));
        PyObject *each = PyTuple_GET_ITEM(searches, i);
        int bad = !PyTuple_Check(each);
        for (Py_ssize_t k = 0; !bad && k < PyTuple_GET_SIZE(each); k++) {
            PyObject *item = PyTuple_GET_ITEM(each, k);
            bad = !PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2 ||
                  !PyLong_Check(PyTuple_GET_ITEM(item, 0)) ||
                  (PyLong_AsUnsignedLong(PyTuple_GET_ITEM(item, 0)) == (unsigned long)-1 &&
                   PyErr_Occurred());
        }
        if (bad && !PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "searches: a tuple of (bit, regex) per anchor");
        if (PyErr_Occurred()) {
            PyMem_Free(bits);
            return -1;
        }
    }
    Py_INCREF(automaton);
    Py_INCREF(searches);
    Py_XSETREF(self->automaton, automaton);
    Py_XSETREF(self->searches, searches);
    PyMem_Free(self->direct);
    self->direct = bits;
    self->n = n;
    return 0;
}

/* pending(text) -> (bits, [(bit, regex), ...]): the names matched outright, and the
 * searches left (each once, in the order the anchors were found; none for a name
 * matched outright). */
static PyObject *CueGate_pending(CueGate *self, PyObject *text) {
    if (self->automaton == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "CueGate not initialized");
        return NULL;
    }
    Matches found;
    matches_init(&found);
    PyObject *pending = NULL, *result = NULL;
    if (automaton_scan(self->automaton, text, 0, &found) < 0) goto done;
    unsigned long outright = 0;
    for (Py_ssize_t k = 0; k < found.used; k++) outright |= self->direct[found.at[k].pattern];
    pending = PyList_New(0);
    if (pending == NULL) goto done;
    for (Py_ssize_t k = 0; k < found.used; k++) {
        PyObject *each = PyTuple_GET_ITEM(self->searches, found.at[k].pattern);
        for (Py_ssize_t s = 0; s < PyTuple_GET_SIZE(each); s++) {
            PyObject *item = PyTuple_GET_ITEM(each, s);
            unsigned long bit = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(item, 0));
            if (outright & bit) continue;
            /* The same regex under another anchor found: searched once. */
            int seen = 0;
            for (Py_ssize_t q = 0; q < PyList_GET_SIZE(pending) && !seen; q++) {
                PyObject *other = PyList_GET_ITEM(pending, q);
                seen = PyTuple_GET_ITEM(other, 1) == PyTuple_GET_ITEM(item, 1) &&
                       PyLong_AsUnsignedLong(PyTuple_GET_ITEM(other, 0)) == bit;
            }
            if (!seen && PyList_Append(pending, item) < 0) goto done;
        }
    }
    PyObject *bits = PyLong_FromUnsignedLong(outright);
    if (bits == NULL) goto done;
    result = PyTuple_New(2);
    if (result == NULL) {
        Py_DECREF(bits);
        goto done;
    }
    PyTuple_SET_ITEM(result, 0, bits);
    PyTuple_SET_ITEM(result, 1, pending);
    pending = NULL;
done:
    Py_XDECREF(pending);
    matches_free(&found);
    return result;
}

static PyMethodDef CueGate_methods[] = {
    {"pending", (PyCFunction)CueGate_pending, METH_O,
     "pending(text) -> (int, [(int, regex)]): the names matched outright, the searches left."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CueGateType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "monitor.detect._native.CueGate",
    .tp_basicsize = sizeof(CueGate),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "CueGate(automaton, direct: tuple[int, ...], searches: tuple[tuple[tuple[int, "
              "Pattern], ...], ...]): the anchor scan of gate.CueSet.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)CueGate_init,
    .tp_dealloc = (destructor)CueGate_dealloc,
    .tp_methods = CueGate_methods,
};

int add_automaton_type(PyObject *module) {
    if (PyType_Ready(&AutomatonType) < 0 || PyType_Ready(&CueGateType) < 0) return -1;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(module, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(&AutomatonType);
        return -1;
    }
    Py_INCREF(&CueGateType);
    if (PyModule_AddObject(module, "CueGate", (PyObject *)&CueGateType) < 0) {
        Py_DECREF(&CueGateType);
        return -1;
    }
    return 0;
}
