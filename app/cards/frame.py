"""What every iframe card's document shares: the page around the card and its one script."""

import base64
import hashlib

# The document around a card is transparent: the card element carries its own background and scheme.
PAGE_CSS = "html,body{margin:0;padding:0;background:transparent}"

# The iframe card's only script: it tells the host page its height (the host snippet in the README, or
# /embed.js, applies it). A fixed text, allowed by its hash in the card's Content-Security-Policy.
RESIZE_JS = (
    "(function(){var last=-1;function post(){var h=Math.ceil(document.body.getBoundingClientRect().height);"
    "if(h===last)return;last=h;try{parent.postMessage({type:'wage-range:height',height:h},'*')}catch(e){}}"
    "if(typeof ResizeObserver==='function')new ResizeObserver(post).observe(document.body);"
    # A loader that arrives after the card (embed.js, async) asks again.
    "addEventListener('message',function(e){if(e.source===parent&&e.data&&e.data.type==='wage-range:measure')"
    "{last=-1;post()}});addEventListener('load',post);post()})();"
)
RESIZE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(RESIZE_JS.encode()).digest()).decode()
