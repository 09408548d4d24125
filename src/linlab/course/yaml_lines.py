"""YAML read with the file line of every node, for messages that point at the line that is wrong.

Both the front matter of a lesson file and its ``check``/``reflect`` fences are YAML inside a larger
file; :func:`parse_yaml` takes the line where the YAML starts and reports every line as a file line.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["YamlError", "Lines", "parse_yaml", "is_text", "describe"]

Lines = dict[tuple[Any, ...], int]
"""YAML path ``("related", 0, "why")`` -> 1-based file line; a mapping key's path gives the key's line."""

_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster, same marks


class YamlError(Exception):
    """YAML that does not parse (or a file that does not frame its YAML right), with the file line."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def parse_yaml(text: str, first_line: int) -> tuple[Any, Lines, list[tuple[int, str]]]:
    """Parse YAML; return the data, the file line of every node by path, and the duplicate keys.

    Parameters
    ----------
    text : str
        The YAML source.
    first_line : int
        The file line of the first line of ``text``.

    Returns
    -------
    tuple
        ``(data, lines, duplicates)``: the plain data (``None`` for an empty document), a
        :data:`Lines` map, and ``(line, "duplicate key 'k'")`` for every repeated mapping key.

    Raises
    ------
    YamlError
        If ``text`` is not YAML, with the line of the error where YAML knows it.

    Examples
    --------
    >>> data, lines, duplicates = parse_yaml("id: a\\nlist:\\n  - 1\\n  - 2\\nid: b\\n", first_line=10)
    >>> data, lines[("list", 1)], duplicates
    ({'id': 'b', 'list': [1, 2]}, 13, [(14, "duplicate key 'id'")])
    """
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        detail = ", ".join(part for part in (err.context, err.problem) if part)
        raise YamlError(first_line + mark.line if mark else None, f"YAML error: {detail}") from None
    except yaml.YAMLError as err:
        raise YamlError(first_line, f"YAML error: {err}") from None
    finally:
        loader.dispose()
    lines: Lines = {}
    duplicates: list[tuple[int, str]] = []

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        lines[path] = first_line + node.start_mark.line
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key, value in node.value:
                if key.value in seen:
                    duplicates.append((first_line + key.start_mark.line, f"duplicate key {key.value!r}"))
                seen.add(key.value)
                walk(value, (*path, key.value))
                lines[(*path, key.value)] = first_line + key.start_mark.line
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    if node is not None:
        walk(node, ())
    return data, lines, duplicates


def is_text(value: Any) -> bool:
    """Whether a YAML value is non-blank text (``no``, ``3`` and ``[]`` are not)."""
    return isinstance(value, str) and value.strip() != ""


def describe(value: Any) -> str:
    """A YAML value for an error message: ``"nothing"``, ``"int 3"``, ``"str 'x'"``.

    Examples
    --------
    >>> describe(None), describe(False), describe(["a"])
    ('nothing', 'bool False', "list ['a']")
    """
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"
