/* What the source files of the _native module share. */
#ifndef ROOMWATCH_NATIVE_H
#define ROOMWATCH_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Adds the Automaton and CueGate types (_automaton.c) to the module; -1 with an exception
 * set. */
int add_automaton_type(PyObject *module);

#endif
