"""Rebuild the demo safety videos and their posters with ffmpeg.

The MP4 and JPEG files beside this script are committed, so nobody needs to
run it for `make run`; it is kept so the demo assets can be reproduced or
changed. Each video is a few text slides on a coloured background, a
progress bar and a short chime at every slide, encoded as H.264 + AAC with
the index at the front (+faststart) so a phone can start playing and seek
before the whole file has arrived. Keyframes every second keep seeking exact.

    python home/demo/assets/videos/build.py      (needs ffmpeg and Noto Sans CJK)

The captions (*.vtt) are written by hand; their cues must end before the
video does (home/tests/test_videos.py checks it).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# A fontconfig pattern given as drawtext's fontfile (the `font` option would be
# taken as a bare family name); the colon is escaped for the filtergraph and
# then for the filter's option parser.
FONT = r"Noto Sans CJK SC\\\:style=Bold"
SIZE = (640, 360)
FPS = 25
HEADER = "湖里区小散工程和零星作业安全宣教"

# name -> (background colour, duration in seconds, [(big text, small text), ...]).
# Slides share the duration equally; the bottom quarter stays free for captions.
VIDEOS = {
    "fall": (
        "0x0b4f9c",
        20,
        [
            ("防范高处坠落", "小散工程 · 零星作业"),
            ("系好安全带", "挂点牢固　高挂低用"),
            ("临边洞口要防护", "防护栏杆　洞口盖板"),
            ("空调外机安装", "不探身窗外无防护作业"),
        ],
    ),
    "electricity": (
        "0x6b3e00",
        18,
        [
            ("施工临时用电", "防范触电事故"),
            ("一机一闸一漏保", "每台设备专用开关和漏电保护器"),
            ("电线架空或穿管", "不拖地　不泡水"),
            ("持证电工接线", "严禁私拉乱接"),
        ],
    ),
    "fire": (
        "0x8b1a1a",
        22,
        [
            ("动火作业消防安全", "电焊　气割　切割打磨"),
            ("清理可燃物", "搬不走的用防火毯遮盖"),
            ("灭火器和监护人", "焊工持证上岗"),
            ("收工检查火种", "发现火情拨打119"),
        ],
    ),
}


def _drawtext(textfile, size, y, start, end):
    return (
        f"drawtext=fontfile={FONT}:textfile='{textfile}':fontcolor=white:fontsize={size}"
        f":x=(w-text_w)/2:y={y}:enable='between(t,{start},{end})'"
    )


FFMPEG = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]


def build(name, colour, duration, slides, workdir):
    width, height = SIZE
    step = duration / len(slides)
    header = workdir / f"{name}-header.txt"
    header.write_text(HEADER, encoding="utf-8")
    filters = [_drawtext(header, 22, 28, 0, duration)]
    for number, (big, small) in enumerate(slides):
        start, end = round(number * step, 3), round((number + 1) * step, 3)
        big_file, small_file = workdir / f"{name}-{number}-big.txt", workdir / f"{name}-{number}-small.txt"
        big_file.write_text(big, encoding="utf-8")
        small_file.write_text(small, encoding="utf-8")
        filters.append(_drawtext(big_file, 52, 105, start, end))
        filters.append(_drawtext(small_file, 28, 190, start, end))
    video_chain = ",".join(filters)
    chimes = "+".join(f"between(t,{round(n * step, 3)},{round(n * step + 0.25, 3)})" for n in range(len(slides)))
    graph = (
        f"[0:v]{video_chain}[slides];"
        f"[slides][1:v]overlay=x='-{width}+{width}*t/{duration}':y=0:eval=frame[v];"
        f"[2:a]volume='0.12*({chimes})':eval=frame[a]"
    )
    mp4, poster = HERE / f"{name}.mp4", HERE / f"{name}.jpg"
    subprocess.run(
        [
            *FFMPEG,
            "-f",
            "lavfi",
            "-i",
            f"color=c={colour}:s={width}x{height}:r={FPS}:d={duration}",
            "-f",
            "lavfi",
            "-i",
            f"color=c=white:s={width}x6:r={FPS}:d={duration}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=660:sample_rate=44100:duration={duration}",
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-c:v",
            "libx264",
            "-profile:v",
            "main",
            "-preset",
            "slow",
            "-crf",
            "30",
            "-pix_fmt",
            "yuv420p",
            "-g",
            str(FPS),
            "-tune",
            "stillimage",
            "-c:a",
            "aac",
            "-b:a",
            "48k",
            "-ac",
            "1",
            "-movflags",
            "+faststart",
            "-metadata",
            f"title={slides[0][0]}",
            str(mp4),
        ],
        check=True,
    )
    subprocess.run(
        [
            *FFMPEG,
            "-i",
            str(mp4),  # first frame: no progress bar yet
            "-frames:v",
            "1",
            "-q:v",
            "4",
            str(poster),
        ],
        check=True,
    )
    return mp4, poster


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name, (colour, duration, slides) in VIDEOS.items():
            for path in build(name, colour, duration, slides, Path(tmp)):
                print(f"{path.name}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    sys.exit(main())
