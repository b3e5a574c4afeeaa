"""Build hook for the optional compiled part of detection (monitor/detect/_native.c).

Everything else is declared in pyproject.toml. Without a C compiler the build goes on
without the extension and detection uses its Python code (same results, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "monitor.detect._native",
            ["monitor/detect/_native.c", "monitor/detect/_automaton.c"],
            depends=["monitor/detect/_native.h"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)
