"""The document camera (高拍仪): the folder adapter's newest-file rule, the simulator, the factory."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from devices.camera.downscale import MAX_IMAGE_SIDE, downscale_image
from devices.camera.factory import CameraUrlError, open_camera
from devices.camera.folder import FolderCamera
from devices.camera.protocol import CameraError, CameraStatus
from devices.camera.simulator import SimulatedCamera
from kiosk.errors import KioskError

OPENED_NS = 1_700_000_000 * 10**9  # the moment the camera was opened (injected clock)


def _drop(folder: Path, name: str, content: bytes, mtime_ns: int) -> Path:
    path = folder / name
    path.write_bytes(content)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def test_folder_camera_returns_the_newest_image_newer_than_the_last_capture(tmp_path):
    camera = FolderCamera(tmp_path, clock_ns=lambda: OPENED_NS)
    _drop(tmp_path, "before-opening.jpg", b"old", OPENED_NS - 10**9)  # someone else's page
    with pytest.raises(CameraError) as caught:
        camera.capture()
    assert caught.value.status is CameraStatus.NO_IMAGE
    assert "请先在高拍仪上拍照" in str(caught.value)
    assert camera.status is CameraStatus.NO_IMAGE

    _drop(tmp_path, "IMG_0001.jpg", b"first", OPENED_NS + 1 * 10**9)
    _drop(tmp_path, "IMG_0002.JPG", b"second", OPENED_NS + 2 * 10**9)
    _drop(tmp_path, "notes.txt", b"not an image", OPENED_NS + 3 * 10**9)
    assert camera.capture() == b"second"  # the newest image; other files ignored
    assert camera.status is CameraStatus.READY
    assert not (tmp_path / "IMG_0002.JPG").exists()  # no unencrypted copy left behind
    with pytest.raises(CameraError):  # the same photo is never handed in twice
        camera.capture()

    _drop(tmp_path, "IMG_0003.png", b"third", OPENED_NS + 4 * 10**9)
    assert camera.capture() == b"third"


def test_folder_camera_without_its_folder_says_so(tmp_path):
    camera = FolderCamera(tmp_path / "missing")
    assert camera.status is CameraStatus.DISCONNECTED
    with pytest.raises(CameraError) as caught:
        camera.capture()
    assert caught.value.status is CameraStatus.DISCONNECTED
    assert "无法连接高拍仪" in str(caught.value)


def test_folder_camera_refuses_an_empty_file(tmp_path):
    camera = FolderCamera(tmp_path, clock_ns=lambda: OPENED_NS)
    _drop(tmp_path, "half-written.jpg", b"", OPENED_NS + 10**9)
    with pytest.raises(CameraError) as caught:
        camera.capture()
    assert caught.value.status is CameraStatus.ERROR


def test_simulator_draws_a_page_that_decodes_as_an_image():
    camera = SimulatedCamera()
    content = camera.capture()
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert image.size == camera.size
        assert image.getpixel((image.width // 2, image.height - image.height // 8)) > (200,) * 3
    assert camera.capture() != content  # each capture is numbered


def test_simulator_controls_fail_the_next_capture_and_unplug():
    camera = SimulatedCamera()
    camera.fail_next()
    with pytest.raises(CameraError) as caught:
        camera.capture()
    assert caught.value.status is CameraStatus.ERROR
    camera.capture()  # only the next one failed
    camera.unplug()
    assert camera.status is CameraStatus.DISCONNECTED
    with pytest.raises(CameraError):
        camera.capture()
    camera.plug_in()
    assert camera.capture()


def test_downscale_keeps_the_aspect_and_strips_to_jpeg():
    big = Image.new("RGB", (4000, 3000), (255, 255, 255))
    out = io.BytesIO()
    big.save(out, "PNG")
    small = downscale_image(out.getvalue())
    with Image.open(io.BytesIO(small)) as image:
        assert image.format == "JPEG"
        assert image.size == (MAX_IMAGE_SIDE, 1500)
    with pytest.raises(KioskError, match="无法读取照片"):
        downscale_image(b"not an image")


def test_factory(tmp_path):
    assert open_camera("") is None
    assert isinstance(open_camera("sim:"), SimulatedCamera)
    camera = open_camera(f"folder:{tmp_path}")
    assert isinstance(camera, FolderCamera) and camera.folder == tmp_path
    with pytest.raises(CameraUrlError, match="无法识别的高拍仪地址"):
        open_camera("usb:0")
