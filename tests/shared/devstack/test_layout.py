from __future__ import annotations

import pytest

from shared.devstack.layout import PORT_SPAN, PortLayout


def all_ports(layout: PortLayout) -> list[int]:
    return [
        layout.kafka,
        layout.kafka_controller,
        layout.mongodb,
        layout.ferretdb_debug,
        layout.s3,
        layout.smtp,
        *layout.seaweedfs_internal.values(),
    ]


def test_port_layout_default_client_ports() -> None:
    layout = PortLayout(19000)

    assert layout.kafka == 19092
    assert layout.kafka_controller == 19093
    assert layout.mongodb == 19017
    assert layout.s3 == 19033
    assert layout.smtp == 19025


def test_port_layout_ports_distinct_within_span() -> None:
    ports = all_ports(PortLayout(19000))

    assert len(set(ports)) == len(ports)
    assert all(19000 <= port < 19000 + PORT_SPAN for port in ports)


def test_port_layout_stacks_do_not_overlap() -> None:
    first = set(all_ports(PortLayout(19000)))
    second = set(all_ports(PortLayout(29000)))
    neighbour = set(all_ports(PortLayout(19000 + PORT_SPAN)))

    assert first.isdisjoint(second)
    assert first.isdisjoint(neighbour)


def test_port_layout_seaweedfs_flags() -> None:
    flags = PortLayout(19000).seaweedfs_internal

    assert set(flags) == {
        "s3.port.grpc",
        "master.port",
        "master.port.grpc",
        "volume.port",
        "volume.port.grpc",
        "filer.port",
        "filer.port.grpc",
        "admin.port",
        "admin.port.grpc",
    }


@pytest.mark.parametrize("base", [80, 1023, 65500])
def test_port_layout_invalid_base_raises(base: int) -> None:
    with pytest.raises(ValueError, match=f"invalid base port {base}"):
        PortLayout(base)
