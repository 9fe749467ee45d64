"""A compiled kernel calls only compiled functions of its own file.

numba checks a cached function against the file it is defined in only; a kernel that calls a kernel
of another file keeps its own copy of the callee, and after an edit to one of the two files a
process loaded mismatched copies and crashed (a segfault in the link's hashing once the NER's
recompiled trie matcher had run). :mod:`clue_miner.text.kernels` holds the shared ones."""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap

import pytest

MODULES = ["clue_miner.text.kernels", "clue_miner.extract.sparse_kernels", "clue_miner.extract.ner.kernels",
           "clue_miner.link.text_kernels"]


@pytest.mark.parametrize("name", MODULES)
def test_compiled_kernels_call_only_their_own_files_kernels(name: str) -> None:
    pytest.importorskip("numba")
    from numba.core.registry import CPUDispatcher

    module = importlib.import_module(name)
    own = {k: v for k, v in vars(module).items() if isinstance(v, CPUDispatcher) and v.py_func.__module__ == name}
    assert own, f"{name} defines no compiled function"
    for fname, disp in own.items():
        tree = ast.parse(textwrap.dedent(inspect.getsource(disp.py_func)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                callee = vars(module).get(node.func.id)
                if isinstance(callee, CPUDispatcher):
                    assert callee.py_func.__module__ == name, (
                        f"{name}.{fname} calls {callee.py_func.__module__}.{node.func.id}: define it in {name}")
