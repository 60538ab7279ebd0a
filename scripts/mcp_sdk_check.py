#!/usr/bin/env python3
"""Checks the twin's MCP server with the official Python MCP SDK.

Connects the way real clients do, once with the `initialize` handshake
(mode "legacy", protocol 2025-11-25) and once stateless (mode "auto": the
`server/discover` probe, then protocol 2026-07-28), over Streamable HTTP,
stdio or both, and exercises every tool, the resource and the prompt with
assertions on real content.

    pip install 'mcp>=2'
    python3 scripts/mcp_sdk_check.py --http http://127.0.0.1:3000/api/mcp
    python3 scripts/mcp_sdk_check.py --stdio "target/debug/twin mcp"

Exits 0 when every check passes, 1 on the first failure (with a message
naming the transport, the mode and what was wrong), 2 on bad usage or a
missing SDK. The whole run is bounded by --timeout seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import sys
import warnings
from importlib.metadata import PackageNotFoundError, version
from typing import Any

HANDSHAKE_VERSIONS = {"2025-03-26", "2025-06-18", "2025-11-25"}
STATELESS_VERSION = "2026-07-28"
TOOLS = {"ask_twin", "search_profile", "get_profile_section"}


class CheckFailed(Exception):
    """A check that did not hold, with what was expected and what came."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def structured(result: Any) -> dict[str, Any]:
    """A tool result's output: `structuredContent`, which must agree with the text block."""
    check(not result.is_error, f"the tool failed: {text_of(result)}")
    check(len(result.content) >= 1, "a tool result has no content block")
    from_text = json.loads(text_of(result))
    if result.structured_content is not None:
        check(
            result.structured_content == from_text,
            "structuredContent differs from the text block",
        )
    return from_text


def text_of(result: Any) -> str:
    block = result.content[0]
    check(getattr(block, "type", None) == "text", f"expected a text block, got {block!r}")
    return block.text


async def run_checks(client: Any, mode: str) -> int:
    """Every check against one connected client; returns how many passed."""
    from mcp import MCPError

    passed = 0

    def ok() -> None:
        nonlocal passed
        passed += 1

    negotiated = client.protocol_version
    if mode == "legacy":
        check(negotiated in HANDSHAKE_VERSIONS, f"handshake negotiated {negotiated!r}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await client.send_ping()
        ok()
    else:
        check(negotiated == STATELESS_VERSION, f"discover negotiated {negotiated!r}, not {STATELESS_VERSION}")
        ok()
    info = client.server_info
    check(info is not None and bool(info.name), "the server did not say who it is")
    capabilities = client.server_capabilities
    check(
        capabilities.tools is not None and capabilities.resources is not None and capabilities.prompts is not None,
        f"capabilities lack tools, resources or prompts: {capabilities!r}",
    )
    ok()

    tools = (await client.list_tools()).tools
    names = {tool.name for tool in tools}
    check(names == TOOLS, f"tools/list returned {sorted(names)}")
    for tool in tools:
        check(tool.input_schema.get("type") == "object", f"{tool.name} has no object inputSchema")
        check(tool.output_schema is not None, f"{tool.name} has no outputSchema at {negotiated}")
    ok()

    skills = structured(await client.call_tool("get_profile_section", {"section": "skills"}))
    check(skills.get("section") == "skills", f"get_profile_section answered {skills.get('section')!r}")
    check(isinstance(skills.get("content"), list) and skills["content"], "the skills section is empty")
    skill = skills["content"][0]["skills"][0]["name"]
    experience = structured(await client.call_tool("get_profile_section", {"section": "experience"}))
    check(experience["content"], "the experience section is empty")
    company = experience["content"][0]["company"]
    ok()

    found = structured(await client.call_tool("search_profile", {"query": skill, "top_k": 3}))
    results = found.get("results", [])
    check(1 <= len(results) <= 3, f"search_profile for {skill!r} returned {len(results)} results")
    for hit in results:
        check(hit.get("section") and hit.get("title") and hit.get("text"), f"incomplete search result {hit!r}")
        check(0.0 <= hit.get("score", -1) <= 1.0, f"score out of range in {hit!r}")
    check(
        any(skill.lower() in hit["text"].lower() for hit in results),
        f"no result for {skill!r} mentions it",
    )
    ok()

    answer = structured(await client.call_tool("ask_twin", {"question": f"What do you do at {company}?"}))
    text = answer.get("answer", "")
    check(text.strip() != "", "ask_twin returned an empty answer")
    check(answer.get("covered") is True, f"ask_twin says the profile does not cover {company!r}: {text}")
    check(answer.get("cited"), f"ask_twin cited nothing: {text}")
    first = answer["cited"][0]
    check(f"[{first}]" in text, f"the answer has no [{first}] marker: {text}")
    citation = answer["citations"][first - 1]
    check(citation.get("n") == first and citation.get("title") and citation.get("section"), f"bad citation {citation!r}")
    ok()

    # Out of range: a JSON-RPC error up to 2025-06-18, a tool error after.
    try:
        bad = await client.call_tool("search_profile", {"query": skill, "top_k": 11})
    except MCPError as error:
        check(error.error.code == -32602, f"an invalid top_k gave error {error.error.code}")
        check("top_k" in error.error.message, f"the error does not name top_k: {error.error.message}")
    else:
        check(bad.is_error, "an invalid top_k was accepted")
        check("top_k" in text_of(bad), f"the tool error does not name top_k: {text_of(bad)}")
    ok()

    try:
        await client.call_tool("no_such_tool", {})
    except MCPError as error:
        check(error.error.code == -32602, f"an unknown tool gave error {error.error.code}")
    else:
        raise CheckFailed("an unknown tool was called without an error")
    ok()

    resources = (await client.list_resources()).resources
    check([str(r.uri) for r in resources] == ["twin://profile"], f"resources/list returned {resources!r}")
    contents = (await client.read_resource("twin://profile")).contents
    check(len(contents) == 1 and contents[0].mime_type == "application/json", f"bad resource contents {contents!r}")
    profile = json.loads(contents[0].text)
    check(profile["person"]["name"], "the profile resource has no person.name")
    check(profile["experience"][0]["company"] == company, "the resource disagrees with get_profile_section")
    try:
        await client.read_resource("twin://nothing-here")
    except MCPError as error:
        expected = -32602 if negotiated == STATELESS_VERSION else -32002
        check(error.error.code == expected, f"a missing resource gave {error.error.code}, not {expected}")
    else:
        raise CheckFailed("reading a missing resource succeeded")
    ok()

    prompts = (await client.list_prompts()).prompts
    check([p.name for p in prompts] == ["interview_prep"], f"prompts/list returned {prompts!r}")
    arguments = prompts[0].arguments or []
    check(
        [(a.name, a.required) for a in arguments] == [("role", True)],
        f"interview_prep arguments are {arguments!r}",
    )
    prompt = await client.get_prompt("interview_prep", {"role": "Staff Engineer, payments"})
    check(prompt.messages and prompt.messages[0].role == "user", "interview_prep has no user message")
    check("Staff Engineer, payments" in prompt.messages[0].content.text, "the prompt ignores the role")
    try:
        await client.get_prompt("interview_prep", {})
    except MCPError as error:
        check(error.error.code == -32602, f"a missing role gave {error.error.code}")
    else:
        raise CheckFailed("interview_prep without a role succeeded")
    ok()
    return passed


def describe(error: BaseException) -> str:
    """The innermost errors, unwrapped from the task groups the SDK runs in."""
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(describe(inner) for inner in error.exceptions)
    if isinstance(error, CheckFailed):
        return str(error)
    return f"{type(error).__name__}: {error}"


async def check_target(label: str, server: Any, mode: str, timeout: float) -> int:
    from mcp import Client

    async with Client(server, mode=mode, read_timeout_seconds=timeout) as client:
        passed = await run_checks(client, mode)
    print(f"ok   {label} mode={mode}: {passed} checks", flush=True)
    return passed


async def main_async(args: argparse.Namespace) -> int:
    from mcp import StdioServerParameters

    targets: list[tuple[str, Any]] = []
    if args.http:
        targets.append((f"http {args.http}", args.http))
    if args.stdio:
        argv = shlex.split(args.stdio)
        params = StdioServerParameters(command=argv[0], args=argv[1:], env=dict(os.environ), cwd=os.getcwd())
        targets.append((f"stdio {args.stdio!r}", params))
    total = 0
    for label, server in targets:
        for mode in args.modes:
            try:
                total += await check_target(label, server, mode, args.timeout)
            except Exception as error:  # noqa: BLE001 - any SDK or transport error is a failure
                print(f"FAIL {label} mode={mode}: {describe(error)}", file=sys.stderr)
                return 1
    print(f"all {total} checks passed")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--http", metavar="URL", help="the MCP endpoint, e.g. http://127.0.0.1:3000/api/mcp")
    parser.add_argument("--stdio", metavar="COMMAND", help='the server command, e.g. "target/debug/twin mcp"')
    parser.add_argument(
        "--mode",
        dest="modes",
        action="append",
        choices=["legacy", "auto"],
        help="connect with this SDK mode (repeatable; default: both)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole run (default 60)")
    args = parser.parse_args()
    if not args.http and not args.stdio:
        parser.error("give --http URL, --stdio COMMAND, or both")
    args.modes = args.modes or ["legacy", "auto"]
    try:
        sdk = version("mcp")
    except PackageNotFoundError:
        print("the official MCP SDK is not installed: pip install 'mcp>=2'", file=sys.stderr)
        return 2
    if int(sdk.split(".")[0]) < 2:
        print(f"mcp {sdk} is too old (no 2026-07-28 support): pip install -U 'mcp>=2'", file=sys.stderr)
        return 2
    try:
        return asyncio.run(asyncio.wait_for(main_async(args), timeout=args.timeout))
    except (asyncio.TimeoutError, TimeoutError):
        print(f"FAIL: the checks did not finish within {args.timeout:g} s", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
