"""The official `anthropic` Python SDK against netclaw's gateway: plain, streamed, a tool round
trip, and a wrong key refused. Prints one JSON report for the Rust test to check."""
import json
import os
import sys

import anthropic

base, key, model = os.environ["GATEWAY_BASE"], os.environ["GATEWAY_KEY"], sys.argv[1]
client = anthropic.Anthropic(base_url=base, api_key=key, max_retries=0)
report = {}

plain = client.messages.create(model=model, max_tokens=100,
                               messages=[{"role": "user", "content": "say hi"}])
report["plain"] = plain.content[0].text
report["stop"] = plain.stop_reason

with client.messages.stream(model=model, max_tokens=100,
                            messages=[{"role": "user", "content": "say hi"}]) as stream:
    report["streamed"] = "".join(stream.text_stream)
    report["streamed_stop"] = stream.get_final_message().stop_reason

tools = [{"name": "get_weather", "description": "weather in a city",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]
messages = [{"role": "user", "content": "weather in Paris?"}]
first = client.messages.create(model=model, max_tokens=100, tools=tools, messages=messages)
call = next(block for block in first.content if block.type == "tool_use")
report["tool"] = {"name": call.name, "input": call.input, "stop": first.stop_reason}
messages += [{"role": "assistant", "content": first.content},
             {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id,
                                           "content": "sunny"}]}]
second = client.messages.create(model=model, max_tokens=100, tools=tools, messages=messages)
report["after_tool"] = second.content[0].text

try:
    anthropic.Anthropic(base_url=base, api_key="wrong", max_retries=0).messages.create(
        model=model, max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    report["wrong_key"] = "accepted"
except anthropic.AuthenticationError as error:
    report["wrong_key"] = error.status_code

print(json.dumps(report))
