"""The city's sensor graph: a from,to[,distance] CSV of detector ids, read with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostcity.brain.twin.sensor_graph import (
    SensorLink,
    links_by_detector,
    parse_sensor_graph,
    read_sensor_graph,
)
from hostcity.core.errors import InputError


def _parse(text: str, *, need_distance: bool = False) -> tuple[SensorLink, ...]:
    return parse_sensor_graph(text.splitlines(), source="city.csv", need_distance=need_distance)


def test_links_read_with_or_without_distances() -> None:
    links = _parse("from,to,distance\ngantry-1,gantry-2,350\n\ngantry-2, gantry-3 ,\n")
    assert links == (
        SensorLink("gantry-1", "gantry-2", 350.0),
        SensorLink("gantry-2", "gantry-3", None),
    )
    assert _parse("from,to\na,b\n") == (SensorLink("a", "b"),)


def test_the_benchmark_format_reads_the_same() -> None:
    """PeMS files name the third column 'cost', write ids as floats, and repeat some rows."""
    links = _parse("from,to,cost\n9.0,153,310.6\n9,153,310.6\n", need_distance=True)
    assert links == (SensorLink("9", "153", 310.6), SensorLink("9", "153", 310.6))


def test_each_detector_knows_what_lies_up_and_downstream() -> None:
    upstream, downstream = links_by_detector(
        [SensorLink("a", "c"), SensorLink("b", "c"), SensorLink("c", "d"), SensorLink("a", "c")]
    )
    assert upstream == {"c": ("a", "b"), "d": ("c",)}
    assert downstream == {"a": ("c",), "b": ("c",), "c": ("d",)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "expected a header", id="empty"),
        pytest.param("from\na\n", "expected a header", id="one-column-header"),
        pytest.param("from,to\n", "no edges", id="no-links"),
        pytest.param("from,to\na\n", "line 2: expected from,to", id="one-id"),
        pytest.param("from,to\na,\n", "line 2: expected from,to", id="empty-id"),
        pytest.param("from,to,distance\na,b,far\n", "line 2: the distance 'far'", id="text"),
        pytest.param("from,to,distance\na,b,-3\n", "not >= 0", id="negative"),
        pytest.param("from,to,distance\na,b,nan\n", "not >= 0", id="nan"),
        pytest.param("from,to\nx,y\na,a\n", "line 3: detector a is linked to itself", id="self"),
    ],
)
def test_a_malformed_graph_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _parse(text)


def test_forecasting_needs_the_distances() -> None:
    with pytest.raises(InputError, match="expected a header 'from,to,distance'"):
        _parse("from,to\na,b\n", need_distance=True)
    with pytest.raises(InputError, match="line 2: expected from,to,distance"):
        _parse("from,to,distance\na,b\n", need_distance=True)


def test_a_missing_or_binary_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no graph file at"):
        read_sensor_graph(tmp_path / "missing.csv")
    binary = tmp_path / "graph.csv"
    binary.write_bytes(b"from,to\n\xff\xfe,b\n")
    with pytest.raises(InputError, match="not a UTF-8 text file"):
        read_sensor_graph(binary)
