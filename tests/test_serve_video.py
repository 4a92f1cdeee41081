"""The page's keep-the-screen-on video: a valid, tiny MP4 made by hiptimer, served by its server.

That Chromium plays it (16 x 16, looping) is checked in ``test_serve_awake.py``; here, its structure.
"""

from __future__ import annotations

import shlex
import struct
import sys

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from hiptimer.web.serve import AWAKE_VIDEO_PATH, ServeConfig, build_app
from hiptimer.web.video import _nal, awake_video

TOKEN = "s3cret-token-for-tests"


def boxes(data: bytes, start: int = 0, end: int | None = None) -> dict[bytes, tuple[int, int]]:
    """The top-level boxes between ``start`` and ``end``: type -> (offset of the body, its size)."""
    end = len(data) if end is None else end
    found: dict[bytes, tuple[int, int]] = {}
    at = start
    while at < end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        assert size >= 8 and at + size <= end, (kind, size)
        found[kind] = (at + 8, size - 8)
        at += size
    assert at == end
    return found


def test_the_video_is_an_mp4_of_one_small_track_whose_samples_are_where_the_index_says() -> None:
    data = awake_video()
    assert len(data) < 4096
    top = boxes(data)
    assert list(top) == [b"ftyp", b"moov", b"mdat"]
    assert data[top[b"ftyp"][0] : top[b"ftyp"][0] + 4] == b"isom"
    moov = boxes(data, top[b"moov"][0], sum(top[b"moov"]))
    assert list(moov) == [b"mvhd", b"trak"]
    trak = boxes(data, moov[b"trak"][0], sum(moov[b"trak"]))
    mdia = boxes(data, trak[b"mdia"][0], sum(trak[b"mdia"]))
    minf = boxes(data, mdia[b"minf"][0], sum(mdia[b"minf"]))
    stbl = boxes(data, minf[b"stbl"][0], sum(minf[b"stbl"]))
    assert set(stbl) == {b"stsd", b"stts", b"stsc", b"stsz", b"stco"}
    body = stbl[b"stco"][0]
    (offset,) = struct.unpack(">I", data[body + 8 : body + 12])
    assert offset == top[b"mdat"][0], "the chunk offset points at the first sample"
    count = struct.unpack(">I", data[stbl[b"stsz"][0] + 8 : stbl[b"stsz"][0] + 12])[0]
    sizes = struct.unpack(f">{count}I", data[stbl[b"stsz"][0] + 12 : stbl[b"stsz"][0] + 12 + 4 * count])
    assert sum(sizes) == top[b"mdat"][1]
    at = offset
    for size in sizes:  # each sample: one length-prefixed IDR NAL unit
        (length,) = struct.unpack(">I", data[at : at + 4])
        assert length == size - 4
        assert data[at + 4] == 0x65
        at += size


def test_no_nal_unit_holds_a_start_code() -> None:
    assert _nal(0x65, bytes([0, 0, 1, 0, 0, 0, 0, 0, 4])) == bytes([0x65, 0, 0, 3, 1, 0, 0, 3, 0, 0, 3, 0, 4])
    data = awake_video()
    at = data.index(b"mdat") + 4
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        unit = data[at + 4 : at + 4 + length]
        assert not any(unit[i : i + 3] in (b"\0\0\0", b"\0\0\1", b"\0\0\2") for i in range(len(unit)))
        at += 4 + length


async def test_the_server_serves_it_to_a_page_with_the_token_only() -> None:
    app = build_app(ServeConfig("0.0.0.0", 8000, TOKEN, shlex.join([sys.executable, "-c", "pass"])))
    client = TestClient(TestServer(app, host="127.0.0.1"), cookie_jar=aiohttp.CookieJar(unsafe=True))
    await client.start_server()
    try:
        assert (await client.get(AWAKE_VIDEO_PATH)).status == 403
        page = await client.get("/", params={"token": TOKEN})
        assert AWAKE_VIDEO_PATH in await page.text()
        video = await client.get(AWAKE_VIDEO_PATH)
        assert video.status == 200
        assert video.content_type == "video/mp4"
        assert await video.read() == awake_video()
    finally:
        await client.close()
