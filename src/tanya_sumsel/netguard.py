"""The fetcher's fence: addresses inside the machine or its networks (loopback, private, link-local such as the cloud
metadata address 169.254.169.254, multicast, reserved; IPv4 and IPv6) are refused unless `TANYA_FETCH_ALLOW` names
them. The check runs where the connection is opened, on the very address connected to, so neither a redirect, a
feed entry nor a name that resolves differently the second time (DNS rebinding) gets past it. The address policy
is plain Python (Settings validates `TANYA_FETCH_ALLOW` with it); httpx is imported only for the transport."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(Exception):
    """A host whose address lies inside; `reason` is the Indonesian line for the user."""

    def __init__(self, host: str, address: str) -> None:
        self.host, self.address = host, address
        shown = host if host == address else f"{host} ({address})"
        self.reason = (
            f"alamat {shown} ada di jaringan lokal/privat; tidak diambil demi keamanan server. Bila memang "
            f"dimaksud, tambahkan ke TANYA_FETCH_ALLOW (mis. TANYA_FETCH_ALLOW={address})"
        )
        super().__init__(self.reason)


class UnknownHost(OSError):
    """A host name that does not resolve; the message is the Indonesian line for the user."""


@dataclass(frozen=True)
class Allow:
    """What `TANYA_FETCH_ALLOW` lets through: host names (exact, any case) and address ranges."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, value: str) -> Allow:
        """'127.0.0.1, 10.0.0.0/8, intranet.local' → hosts and ranges; raises ValueError naming a bad entry."""
        hosts, networks = set(), []
        for entry in (e.strip() for e in value.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                if not all(part.isalnum() or "-" in part for part in entry.split(".")) or "/" in entry:
                    raise ValueError(entry) from None
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def admits(self, host: str, address: Address) -> bool:
        """Whether the host name or the address is on the list."""
        return host.lower().rstrip(".") in self.hosts or any(address in n for n in self.networks)


def _plain(address: Address) -> Address:
    """An IPv4 address written as IPv6 (::ffff:127.0.0.1) as the IPv4 address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _inside(address: Address) -> bool:
    """Loopback, private, link-local, multicast, reserved or unspecified: anything not on the public Internet."""
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int, allow: Allow) -> list[str]:
    """The host's addresses that may be connected to; raises Refused when one lies inside and is not allowed."""
    try:
        literal: Address | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        found: Iterable[str] = [str(literal)]
    else:
        try:
            found = dict.fromkeys(info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except socket.gaierror as exc:
            raise UnknownHost(f"nama host {host} tidak dikenal ({exc.strerror}); periksa ejaan alamatnya") from None
    out = []
    for text in found:
        address = _plain(ipaddress.ip_address(text.split("%")[0]))
        if _inside(address) and not allow.admits(host, address):
            # one inside address refuses the host: a name that answers with both could be steered to either
            raise Refused(host, str(address))
        out.append(text)
    return out


def guarded_transport(allow: Allow) -> httpx.HTTPTransport:
    """An httpx transport whose every connection (first request, redirect, feed entry) passes the fence."""
    import httpcore
    import httpx

    class GuardedBackend(httpcore.SyncBackend):
        """httpcore's socket backend, connecting only to the checked addresses of a host."""

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[tuple[int, int, int] | tuple[int, int, bytes | int]] | None = None,
        ) -> httpcore.NetworkStream:
            try:
                addresses = resolve(host, port, allow)
            except UnknownHost as exc:
                raise httpcore.ConnectError(str(exc)) from None
            failure: Exception | None = None
            for address in addresses:
                try:
                    return super().connect_tcp(address, port, timeout, local_address, socket_options)  # type: ignore[arg-type]
                except httpcore.ConnectError as exc:  # try the host's next address, as a browser would
                    failure = exc
            raise failure or httpcore.ConnectError(f"{host}: tidak ada alamat")

    transport = httpx.HTTPTransport(trust_env=False)
    # httpx builds its httpcore pool without a way to name the network backend, so ours is put in its place
    # (tests/test_fetch.py checks refusals against real loopback servers: a change in httpx shows up there)
    transport._pool._network_backend = GuardedBackend()
    return transport
