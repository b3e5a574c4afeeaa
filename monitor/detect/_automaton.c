/* Automaton: many literal patterns found in a text by code point (part of _native).
 *
 * The same matches, in the same order, as ahocorasick_rs.AhoCorasick(patterns, matchkind)
 * .find_matches_as_indexes(text, overlapping) for the two ways detection searches: every
 * occurrence of every pattern (Standard, overlapping) and the leftmost-longest occurrences
 * (LeftmostLongest, not overlapping). It reads the str's code points as they are stored:
 * no UTF-8 copy of the text, no byte-to-character index map, no lock released and taken
 * back per call. Comments are short (at most a few hundred characters) and a pattern a few
 * characters, so a trie walked from each position is as fast as the automaton's failure
 * links and gives the order by sorting: matches by end, then the longer (earlier start)
 * first, then by pattern index (the order aho-corasick reports a state's matches in).
 * Standard without overlapping keeps, from there, the first match and the next that
 * starts after it, and so on.
 */
#include "_native.h"

#include <stdint.h>
#include <string.h>

#define MAX_CP 0x110000

typedef struct {
    uint32_t cp;
    uint32_t child;
} Edge;

typedef struct {
    PyObject_HEAD
    int32_t *root;      /* root[cp]: the node after the first character, 0 when none */
    uint32_t *first;    /* node -> its first edge (edges of a node are contiguous, by cp) */
    uint32_t *n_edges;  /* node -> its edge count */
    Edge *edges;
    int32_t *first_pattern; /* node -> the lowest pattern index ending there, -1 when none */
    int32_t *next_pattern;  /* pattern -> the next higher index with the same text, or -1 */
    Py_ssize_t n_patterns;
    int leftmost_longest;
} Automaton;

typedef struct {
    Py_ssize_t end, start;
    int32_t pattern;
} Found;

static void Automaton_clear(Automaton *self) {
    PyMem_Free(self->root);
    PyMem_Free(self->first);
    PyMem_Free(self->n_edges);
    PyMem_Free(self->edges);
    PyMem_Free(self->first_pattern);
    PyMem_Free(self->next_pattern);
    self->root = NULL;
    self->first = NULL;
    self->n_edges = NULL;
    self->edges = NULL;
    self->first_pattern = NULL;
    self->next_pattern = NULL;
    self->n_patterns = 0;
}

static void Automaton_dealloc(Automaton *self) {
    Automaton_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Build-time transitions: (parent + 1) << 21 | cp -> child, open addressing. */
typedef struct {
    uint64_t *keys;
    uint32_t *children;
    uint64_t mask;
} BuildTable;

static inline uint64_t build_slot(uint64_t key, uint64_t mask) {
    return (key * 0x9E3779B97F4A7C15ULL) >> 20 & mask;
}

static int edge_order(const void *a, const void *b) {
    uint32_t x = ((const Edge *)a)->cp, y = ((const Edge *)b)->cp;
    return (x > y) - (x < y);
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
    }
    if (chars >= UINT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "too many pattern characters");
        Py_DECREF(seq);
        return -1;
    }
    Automaton_clear(self);
    uint64_t max_nodes = chars + 1, cap = 16;
    while (cap < max_nodes * 2) cap <<= 1;
    BuildTable t = {PyMem_Calloc(cap, sizeof(uint64_t)), PyMem_Malloc(cap * sizeof(uint32_t)),
                    cap - 1};
    uint32_t *parent_of = PyMem_Malloc(max_nodes * sizeof(uint32_t));
    uint32_t *cp_of = PyMem_Malloc(max_nodes * sizeof(uint32_t));
    int32_t *last_pattern = PyMem_Malloc(max_nodes * sizeof(int32_t));
    self->first_pattern = PyMem_Malloc(max_nodes * sizeof(int32_t));
    self->next_pattern = PyMem_Malloc((n ? n : 1) * sizeof(int32_t));
    self->root = PyMem_Calloc(MAX_CP, sizeof(int32_t));
    int ok = 0;
    if (!t.keys || !t.children || !parent_of || !cp_of || !last_pattern ||
        !self->first_pattern || !self->next_pattern || !self->root) {
        PyErr_NoMemory();
        goto done;
    }
    uint32_t nodes = 1; /* node 0 is the root */
    self->first_pattern[0] = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = items[i];
        int kind = PyUnicode_KIND(p);
        const void *data = PyUnicode_DATA(p);
        Py_ssize_t len = PyUnicode_GET_LENGTH(p);
        uint32_t node = 0;
        for (Py_ssize_t j = 0; j < len; j++) {
            uint32_t c = PyUnicode_READ(kind, data, j);
            uint64_t key = ((uint64_t)node + 1) << 21 | c, s = build_slot(key, t.mask);
            while (t.keys[s] != 0 && t.keys[s] != key) s = (s + 1) & t.mask;
            if (t.keys[s] == 0) {
                t.keys[s] = key;
                t.children[s] = nodes;
                parent_of[nodes] = node;
                cp_of[nodes] = c;
                self->first_pattern[nodes] = -1;
                nodes++;
            }
            node = t.children[s];
        }
        /* Patterns come in index order: appended, a node's list stays ascending. */
        self->next_pattern[i] = -1;
        if (self->first_pattern[node] < 0)
            self->first_pattern[node] = (int32_t)i;
        else
            self->next_pattern[last_pattern[node]] = (int32_t)i;
        last_pattern[node] = (int32_t)i;
    }
    /* The edges of each node side by side, by code point (node 0's live in `root`). */
    self->first = PyMem_Calloc(nodes, sizeof(uint32_t));
    self->n_edges = PyMem_Calloc(nodes, sizeof(uint32_t));
    self->edges = PyMem_Malloc((nodes > 1 ? nodes - 1 : 1) * sizeof(Edge));
    if (!self->first || !self->n_edges || !self->edges) {
        PyErr_NoMemory();
        goto done;
    }
    for (uint32_t v = 1; v < nodes; v++) self->n_edges[parent_of[v]]++;
    uint32_t at = 0;
    for (uint32_t v = 0; v < nodes; v++) {
        self->first[v] = at;
        at += self->n_edges[v];
    }
    memset(self->n_edges, 0, nodes * sizeof(uint32_t));
    for (uint32_t v = 1; v < nodes; v++) {
        uint32_t u = parent_of[v];
        Edge *e = &self->edges[self->first[u] + self->n_edges[u]++];
        e->cp = cp_of[v];
        e->child = v;
        if (u == 0) self->root[cp_of[v]] = (int32_t)v;
    }
    for (uint32_t v = 1; v < nodes; v++)
        if (self->n_edges[v] > 1)
            qsort(&self->edges[self->first[v]], self->n_edges[v], sizeof(Edge), edge_order);
    self->n_patterns = n;
    self->leftmost_longest = leftmost_longest;
    ok = 1;
done:
    PyMem_Free(t.keys);
    PyMem_Free(t.children);
    PyMem_Free(parent_of);
    PyMem_Free(cp_of);
    PyMem_Free(last_pattern);
    Py_DECREF(seq);
    if (!ok) Automaton_clear(self);
    return ok ? 0 : -1;
}

/* The node after `node` reads `c`, 0 when none. */
static inline uint32_t step(const Automaton *self, uint32_t node, uint32_t c) {
    const Edge *e = &self->edges[self->first[node]];
    uint32_t n = self->n_edges[node];
    if (n <= 8) {
        for (uint32_t k = 0; k < n; k++)
            if (e[k].cp == c) return e[k].child;
        return 0;
    }
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (e[mid].cp < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && e[lo].cp == c ? e[lo].child : 0;
}

static int found_order(const void *a, const void *b) {
    const Found *x = a, *y = b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->pattern > y->pattern) - (x->pattern < y->pattern);
}

/* Room for one more match in a buffer that starts on the stack. */
static int reserve(Found **buf, Py_ssize_t *cap, Py_ssize_t used, Found *small) {
    if (used < *cap) return 0;
    Py_ssize_t grown = *cap * 2;
    Found *bigger = PyMem_Malloc(grown * sizeof(Found));
    if (bigger == NULL) return -1;
    memcpy(bigger, *buf, used * sizeof(Found));
    if (*buf != small) PyMem_Free(*buf);
    *buf = bigger;
    *cap = grown;
    return 0;
}

/* find_matches_as_indexes(haystack, overlapping=False) -> [(pattern, start, end), ...] */
static PyObject *Automaton_find(Automaton *self, PyObject *const *args, Py_ssize_t nargs,
                                PyObject *kwnames) {
    PyObject *text = NULL;
    int overlapping = 0;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs < 1 || nargs > 2) goto usage;
    text = args[0];
    if (nargs == 2) {
        if (nkw) goto usage;
        overlapping = PyObject_IsTrue(args[1]);
    } else if (nkw == 1 && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0),
                                                            "overlapping") == 0) {
        overlapping = PyObject_IsTrue(args[1]);
    } else if (nkw) {
        goto usage;
    }
    if (overlapping < 0) return NULL;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "haystack must be str");
        return NULL;
    }
    if (self->root == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Automaton not initialized");
        return NULL;
    }
    if (overlapping && self->leftmost_longest) {
        PyErr_SetString(PyExc_ValueError,
                        "leftmost-longest matches cannot be overlapping (as in aho-corasick)");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (kind != PyUnicode_1BYTE_KIND) {
        /* A lone surrogate has no UTF-8: fail as the library does, with its error. */
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c >= 0xD800 && c <= 0xDFFF) {
                PyUnicode_AsUTF8AndSize(text, NULL);
                return NULL;
            }
        }
    }
    Found small[64];
    Found *buf = small;
    Py_ssize_t cap = 64, used = 0;
    const int32_t *root = self->root, *first_pattern = self->first_pattern;
    const int32_t *next_pattern = self->next_pattern;
    for (Py_ssize_t i = 0; i < n;) {
        uint32_t node = (uint32_t)root[PyUnicode_READ(kind, data, i)];
        Py_ssize_t j = i + 1, best_end = -1;
        int32_t best = -1;
        while (node != 0) {
            int32_t p = first_pattern[node];
            if (self->leftmost_longest) {
                if (p >= 0) {
                    best = p;
                    best_end = j;
                }
            } else {
                for (; p >= 0; p = next_pattern[p]) {
                    if (reserve(&buf, &cap, used, small) < 0) goto nomem;
                    buf[used].end = j;
                    buf[used].start = i;
                    buf[used].pattern = p;
                    used++;
                }
            }
            if (j == n) break;
            node = step(self, node, PyUnicode_READ(kind, data, j));
            j++;
        }
        if (best >= 0) {
            if (reserve(&buf, &cap, used, small) < 0) goto nomem;
            buf[used].end = best_end;
            buf[used].start = i;
            buf[used].pattern = best;
            used++;
            i = best_end; /* not overlapping: the search goes on after the match */
        } else {
            i++;
        }
    }
    /* Leftmost-longest matches come out in order; the others by start: sort them by end. */
    if (!self->leftmost_longest && used > 1) qsort(buf, used, sizeof(Found), found_order);
    if (!self->leftmost_longest && !overlapping) {
        /* Standard, not overlapping: the first match to end, then the search starts anew
         * after it. */
        Py_ssize_t kept = 0, after = 0;
        for (Py_ssize_t k = 0; k < used; k++) {
            if (buf[k].start < after) continue;
            buf[kept++] = buf[k];
            after = buf[k].end;
        }
        used = kept;
    }
    PyObject *out = PyList_New(used);
    if (out == NULL) goto fail;
    for (Py_ssize_t k = 0; k < used; k++) {
        PyObject *item = Py_BuildValue("(inn)", buf[k].pattern, buf[k].start, buf[k].end);
        if (item == NULL) {
            Py_DECREF(out);
            goto fail;
        }
        PyList_SET_ITEM(out, k, item);
    }
    if (buf != small) PyMem_Free(buf);
    return out;
nomem:
    PyErr_NoMemory();
fail:
    if (buf != small) PyMem_Free(buf);
    return NULL;
usage:
    PyErr_SetString(PyExc_TypeError, "find_matches_as_indexes(haystack, overlapping=False)");
    return NULL;
}

static PyObject *Automaton_len(Automaton *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromSsize_t(self->n_patterns);
}

static PyMethodDef Automaton_methods[] = {
    {"find_matches_as_indexes", (PyCFunction)(void (*)(void))Automaton_find,
     METH_FASTCALL | METH_KEYWORDS,
     "find_matches_as_indexes(haystack, overlapping=False) -> [(pattern, start, end)]: as "
     "ahocorasick_rs.AhoCorasick, in code points."},
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

int add_automaton_type(PyObject *module) {
    if (PyType_Ready(&AutomatonType) < 0) return -1;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(module, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(&AutomatonType);
        return -1;
    }
    return 0;
}
