"""A tiny black video that keeps a phone's screen on where the Screen Wake Lock API is not allowed.

Browsers offer ``navigator.wakeLock`` only to secure contexts (https, or this computer's own
address); a phone on the home network opens ``hiptimer serve`` over plain HTTP. There, as
NoSleep-style libraries do, the page plays a muted, looping, inline video once the runner has
tapped it: a phone does not dim its screen while a video plays in the page.

The video is made here, byte by byte, so nothing is fetched from elsewhere and no encoder is
needed: an MP4 file with one H.264 (Constrained Baseline) track of 16 x 16 pixels, two black
frames of one second each. Each frame is one macroblock written as raw samples (``I_PCM``), which
takes no entropy coding beyond a few Exp-Golomb numbers in the headers.
"""

from __future__ import annotations

import struct
from functools import cache

__all__ = ["awake_video"]

SIZE = 16
"""Width and height in pixels: one macroblock."""

FRAMES = 2
FRAME_MS = 1000
"""Two frames of a second each: the video loops every two seconds."""

_BLACK_Y, _BLACK_C = 16, 128
"""Black in limited-range YCbCr."""


class _Bits:
    """An RBSP bit writer: fixed-width numbers and Exp-Golomb codes."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def u(self, width: int, value: int) -> None:
        self.bits.extend((value >> (width - 1 - i)) & 1 for i in range(width))

    def ue(self, value: int) -> None:
        code = value + 1
        self.u(2 * code.bit_length() - 1, code)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self) -> None:
        while len(self.bits) % 8:
            self.bits.append(0)

    def raw(self, data: bytes) -> None:
        assert len(self.bits) % 8 == 0
        for byte in data:
            self.u(8, byte)

    def trailing(self) -> bytes:
        """The RBSP stop bit, zeros to the byte boundary, and the bytes."""
        self.bits.append(1)
        self.align_zero()
        return bytes(int("".join(map(str, self.bits[i : i + 8])), 2) for i in range(0, len(self.bits), 8))


def _nal(header: int, rbsp: bytes) -> bytes:
    """A NAL unit: its header byte and the RBSP with emulation prevention (no 00 00 0x, x <= 3)."""
    out = bytearray([header])
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _sps() -> bytes:
    b = _Bits()
    b.u(8, 66)  # profile_idc: Baseline
    b.u(8, 0xC0)  # constraint_set0 and set1: Constrained Baseline
    b.u(8, 10)  # level_idc 1.0
    b.ue(0)  # seq_parameter_set_id
    b.ue(0)  # log2_max_frame_num_minus4
    b.ue(2)  # pic_order_cnt_type: output order is decoding order
    b.ue(1)  # max_num_ref_frames
    b.u(1, 0)  # gaps_in_frame_num_value_allowed_flag
    b.ue(SIZE // 16 - 1)  # pic_width_in_mbs_minus1
    b.ue(SIZE // 16 - 1)  # pic_height_in_map_units_minus1
    b.u(1, 1)  # frame_mbs_only_flag
    b.u(1, 1)  # direct_8x8_inference_flag
    b.u(1, 0)  # frame_cropping_flag
    b.u(1, 0)  # vui_parameters_present_flag
    return _nal(0x67, b.trailing())


def _pps() -> bytes:
    b = _Bits()
    b.ue(0)  # pic_parameter_set_id
    b.ue(0)  # seq_parameter_set_id
    b.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    b.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    b.ue(0)  # num_slice_groups_minus1
    b.ue(0)  # num_ref_idx_l0_default_active_minus1
    b.ue(0)  # num_ref_idx_l1_default_active_minus1
    b.u(1, 0)  # weighted_pred_flag
    b.u(2, 0)  # weighted_bipred_idc
    b.se(0)  # pic_init_qp_minus26
    b.se(0)  # pic_init_qs_minus26
    b.se(0)  # chroma_qp_index_offset
    b.u(1, 0)  # deblocking_filter_control_present_flag
    b.u(1, 0)  # constrained_intra_pred_flag
    b.u(1, 0)  # redundant_pic_cnt_present_flag
    return _nal(0x68, b.trailing())


def _idr(picture_id: int) -> bytes:
    """One black frame: an IDR slice of one I_PCM macroblock."""
    b = _Bits()
    b.ue(0)  # first_mb_in_slice
    b.ue(7)  # slice_type: I (every slice of the picture)
    b.ue(0)  # pic_parameter_set_id
    b.u(4, 0)  # frame_num (log2_max_frame_num = 4)
    b.ue(picture_id)  # idr_pic_id: differs between neighbouring IDR pictures
    b.u(1, 0)  # no_output_of_prior_pics_flag
    b.u(1, 0)  # long_term_reference_flag
    b.se(0)  # slice_qp_delta
    b.ue(25)  # mb_type: I_PCM
    b.align_zero()  # pcm_alignment_zero_bit
    b.raw(bytes([_BLACK_Y]) * (SIZE * SIZE) + bytes([_BLACK_C]) * (SIZE * SIZE // 2))
    return _nal(0x65, b.trailing())


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


@cache
def awake_video() -> bytes:
    """The MP4 file's bytes (about 1 KB)."""
    sps, pps = _sps(), _pps()
    samples = [struct.pack(">I", len(nal)) + nal for nal in (_idr(i) for i in range(FRAMES))]
    duration = FRAMES * FRAME_MS
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso2avc1mp41")
    avcc = _box(
        b"avcC",
        bytes([1, 66, 0xC0, 10, 0xFF, 0xE1]),
        struct.pack(">H", len(sps)),
        sps,
        bytes([1]),
        struct.pack(">H", len(pps)),
        pps,
    )
    avc1 = _box(
        b"avc1",
        bytes(6),
        struct.pack(">H", 1),  # data_reference_index
        bytes(16),
        struct.pack(">HH", SIZE, SIZE),
        struct.pack(">II", 0x00480000, 0x00480000),  # 72 dpi
        bytes(4),
        struct.pack(">H", 1),  # frame_count
        bytes(32),  # compressorname
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )

    def moov(chunk_offset: int) -> bytes:
        stbl = _box(
            b"stbl",
            _full(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
            _full(b"stts", 0, 0, struct.pack(">III", 1, FRAMES, FRAME_MS)),
            _full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, FRAMES, 1)),
            _full(
                b"stsz", 0, 0, struct.pack(">II", 0, FRAMES), *(struct.pack(">I", len(s)) for s in samples)
            ),
            _full(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
        )
        minf = _box(
            b"minf",
            _full(b"vmhd", 0, 1, bytes(8)),
            _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1))),
            stbl,
        )
        mdia = _box(
            b"mdia",
            _full(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, 1000, duration, 0x55C4, 0)),
            _full(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"hiptimer awake\0"),
            minf,
        )
        tkhd = _full(
            b"tkhd",
            0,
            3,  # enabled, in the movie
            struct.pack(">IIIII", 0, 0, 1, 0, duration),
            bytes(8),
            struct.pack(">hhhH", 0, 0, 0, 0),
            _MATRIX,
            struct.pack(">II", SIZE << 16, SIZE << 16),
        )
        mvhd = _full(
            b"mvhd",
            0,
            0,
            struct.pack(">IIII", 0, 0, 1000, duration),
            struct.pack(">IH", 0x00010000, 0x0100),
            bytes(10),
            _MATRIX,
            bytes(24),
            struct.pack(">I", 2),
        )
        return _box(b"moov", mvhd, _box(b"trak", tkhd, mdia))

    head = len(ftyp) + len(moov(0)) + 8  # the samples start after the mdat box's header
    return ftyp + moov(head) + _box(b"mdat", *samples)
