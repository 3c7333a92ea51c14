"""python-telegram-bot's requests to the Bot API over aiohttp instead of httpx.

The gateway's limit under load is its own CPU, shared with Rasa on small
servers, and httpx costs about three times aiohttp's CPU per request
(measured for the load generator of the benchmarks, ``bot.benchmarks.load``).
PTB lets an application bring its own ``BaseRequest``; this one sends the
parameters ``HTTPXRequest`` sends, as one JSON body (which the Bot API
accepts for every method without a file; building aiohttp's form body cost
the gateway ~6 % of its CPU), or multipart when a file goes along, with the
same time limits, and maps failures onto PTB's errors (``TimedOut``,
``NetworkError``) so retries and error handling are PTB's own.
"""
from __future__ import annotations

import asyncio
import json

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    def __init__(self, connections: int = 256, read_timeout: float | None = READ_TIMEOUT) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._connections),
                                                  trust_env=False)

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = CONNECT_TIMEOUT if isinstance(connect_timeout, DefaultValue) else connect_timeout
        write = (MEDIA_WRITE_TIMEOUT if files else WRITE_TIMEOUT) if isinstance(write_timeout, DefaultValue) \
            else write_timeout
        total = None if read is None else read + (write or 0.0) + (connect or 0.0)
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
        headers = {"User-Agent": self.USER_AGENT}
        body: aiohttp.FormData | bytes | None = None
        if files:
            body = aiohttp.FormData(request_data.json_parameters)
            for name, content in files.items():
                filename, data, mime = content if isinstance(content, tuple) else (name, content, None)
                body.add_field(name, data, filename=filename, content_type=mime)
        elif request_data is not None and request_data.parameters:
            # nested objects (reply_markup…) as JSON objects, as the Bot API documents them
            body = json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(method, url, data=body, timeout=timeout, headers=headers) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
