"""Debian's chromium, headless, driven by Selenium; installed with apt when missing."""

from __future__ import annotations

import os
import shutil
import subprocess

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

PAKKETTEN = ("chromium", "chromium-driver")


def _apt(*args: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    omgeving = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", *args], check=True, env=omgeving, capture_output=True)


def zorg_voor_chromium() -> tuple[str, str]:
    """The paths of chromium and chromedriver, installing Debian's packages first when missing."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        try:
            _apt("install", "-y", "-qq", *PAKKETTEN)
        except subprocess.CalledProcessError:
            _apt("update", "-qq")  # a fresh machine may have no package lists yet
            _apt("install", "-y", "-qq", *PAKKETTEN)
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (browser and driver):
        raise RuntimeError("chromium of chromedriver ontbreekt ook na apt-get install")
    return browser, driver


def headless_chromium() -> webdriver.Chrome:
    browser, driver = zorg_voor_chromium()
    opties = webdriver.ChromeOptions()
    opties.binary_location = browser
    for vlag in (
        "--headless=new",
        "--no-sandbox",  # root in a container has no user namespace for the sandbox
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--lang=nl-NL",
    ):
        opties.add_argument(vlag)
    chrome = webdriver.Chrome(service=Service(driver), options=opties)
    chrome.set_page_load_timeout(60)
    return chrome
