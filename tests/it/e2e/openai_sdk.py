"""The official `openai` Python SDK against the netclaw gateway, unchanged: list the models,
then for each model named on the command line one plain and one streamed chat completion.
Prints one JSON report on stdout."""
import json
import os
import sys

import openai

client = openai.OpenAI(
    base_url=os.environ["GATEWAY_URL"], api_key=os.environ["GATEWAY_TOKEN"], max_retries=0
)
report = {"models": sorted(m.id for m in client.models.list())}
for model in sys.argv[1:]:
    whole = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": f"plain {model}"},
        ],
    )
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": f"streamed {model}"}],
        stream=True,
    )
    deltas = [
        c.choices[0].delta.content
        for c in stream
        if c.choices and c.choices[0].delta.content
    ]
    report[model] = {
        "text": whole.choices[0].message.content,
        "finish": whole.choices[0].finish_reason,
        "deltas": deltas,
    }
try:
    openai.OpenAI(
        base_url=os.environ["GATEWAY_URL"], api_key="not-the-daemon-token", max_retries=0
    ).models.list()
    report["wrong_token"] = "accepted"
except openai.AuthenticationError as e:
    report["wrong_token"] = e.status_code
print(json.dumps(report))
