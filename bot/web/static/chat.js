// Veiviser's web chat: one page, no framework, nothing kept on the device.
// The conversation lives only in this page's memory; the tab's random id is
// never stored. Answers arrive as parts (text, tel: and web links) and are
// built with textContent, never as HTML. Quick exit: the button, or Esc twice.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("veiviser-data").textContent);
  var texts = data.texts;
  var chosen = false; // a language picked in the menu wins over the text's
  var queue = Promise.resolve(); // one turn at a time, in order
  var lastEscape = 0;
  var TURN_TIMEOUT = 8000; // ms; the gateway answers itself after 5 s without Rasa

  var $ = function (id) { return document.getElementById(id); };
  var log = $("log");
  var input = $("input");
  var statusLine = $("status");

  function randomTab() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var tab = randomTab();

  function fragment(parts) {
    var out = document.createDocumentFragment();
    (parts || []).forEach(function (part) {
      var node;
      if (part.tel) {
        node = document.createElement("a");
        node.href = part.tel;
        node.dir = "ltr";
        node.className = "tel";
        node.textContent = part.text;
      } else if (part.url) {
        node = document.createElement("a");
        node.href = part.url;
        node.rel = "noopener noreferrer";
        node.target = "_blank";
        node.textContent = part.text;
      } else {
        node = document.createTextNode(part.text);
      }
      out.appendChild(node);
    });
    return out;
  }

  function bubble(who, parts) {
    var item = document.createElement("li");
    item.className = "msg " + who;
    var label = document.createElement("span");
    label.className = "sr";
    label.textContent = (who === "you" ? texts.labels.you : texts.labels.assistant) + ": ";
    item.appendChild(label);
    var body = document.createElement("p");
    body.dir = "auto";
    body.appendChild(fragment(parts));
    item.appendChild(body);
    log.appendChild(item);
    if (log.children.length > 1) { item.scrollIntoView({block: "nearest"}); } // the greeting stays at the top
    return item;
  }

  function show(turn) {
    if (turn.erased) { clearLog(); }
    var group = [];
    (turn.messages || []).forEach(function (message) {
      var item = bubble(message.notice ? "bot notice" : "bot", message.parts);
      if (message.notice) { $("numbers").open = true; } // a failure or a limit: the numbers in view
      group.push(item);
      if (message.buttons && message.buttons.length) {
        var row = document.createElement("div");
        row.className = "buttons";
        message.buttons.forEach(function (button) {
          var element = document.createElement("button");
          element.type = "button";
          element.textContent = button.title;
          element.addEventListener("click", function () {
            bubble("you", [{text: button.title}]);
            turnFor({button: button.token});
          });
          row.appendChild(element);
        });
        item.appendChild(row);
      }
      if (message.printable) { addPrint(item, group.slice()); }
    });
  }

  function addPrint(item, group) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "print-steps";
    button.textContent = texts.labels.print_steps;
    button.addEventListener("click", function () { printSteps(group); });
    item.appendChild(button);
  }

  // The steps alone, for the case file: the assistant's answer of that turn, not the conversation.
  function printSteps(group) {
    var sheet = $("print");
    sheet.textContent = "";
    var heading = document.createElement("h1");
    heading.textContent = texts.labels.print_heading;
    sheet.appendChild(heading);
    group.forEach(function (item) {
      var paragraph = document.createElement("p");
      paragraph.textContent = item.querySelector("p").textContent;
      sheet.appendChild(paragraph);
    });
    var note = document.createElement("p");
    note.className = "note";
    note.textContent = texts.labels.print_note + " " + new Date().toLocaleDateString(document.documentElement.lang);
    sheet.appendChild(note);
    window.print();
  }

  function clearLog() {
    log.textContent = "";
    $("print").textContent = "";
  }

  function post(path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TURN_TIMEOUT);
    return fetch(path, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
      credentials: "omit", // there are no cookies to send
      cache: "no-store",
      signal: controller.signal
    }).then(function (response) {
      clearTimeout(timer);
      if (response.status === 429) { return response.json(); }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    }, function (error) { clearTimeout(timer); throw error; });
  }

  function busy(on) {
    statusLine.textContent = on ? texts.labels.writing : "";
    document.body.classList.toggle("busy", on);
  }

  // Without an answer the page answers itself: the apology with the emergency numbers
  // (the server is up) or "cannot reach the server" (it is not), and opens the numbers.
  function failed(reachable) {
    bubble("bot notice", reachable ? texts.fault : texts.offline);
    $("numbers").open = true;
  }

  function turnFor(fields) {
    var body = {tab: tab, language: texts.language, chosen: chosen};
    Object.keys(fields).forEach(function (key) { body[key] = fields[key]; });
    queue = queue.then(function () {
      busy(true);
      return post("/message", body).then(show, function (error) {
        failed(!(error instanceof TypeError) && error.name !== "AbortError");
      }).then(function () { busy(false); });
    });
    return queue;
  }

  function applyTexts(next) {
    texts = next;
    var root = document.documentElement;
    root.lang = next.language;
    root.dir = next.dir;
    var labels = next.labels;
    $("exit").textContent = labels.quick_exit;
    $("exit-hint").textContent = labels.quick_exit_hint;
    $("danger").textContent = "";
    $("danger").appendChild(fragment(next.danger));
    $("numbers").querySelector("summary").textContent = labels.all_numbers;
    var numbers = $("numbers-text");
    numbers.textContent = "";
    numbers.appendChild(fragment(next.numbers));
    document.querySelector("label[for=language]").textContent = labels.language;
    $("delete").textContent = labels["delete"];
    $("conversation").setAttribute("aria-label", labels.conversation);
    document.querySelector("label[for=input]").textContent = labels.message_label;
    input.placeholder = labels.placeholder;
    $("send").textContent = labels.send;
  }

  function greet() {
    bubble("bot", texts.greeting);
  }

  // -- quick exit and erasing ---------------------------------------------------------------
  function quickExit() {
    clearLog();
    input.value = "";
    try { sessionStorage.clear(); } catch (ignored) { /* nothing stored anyway */ }
    try {
      var blob = new Blob([JSON.stringify({tab: tab, language: texts.language})], {type: "application/json"});
      navigator.sendBeacon("/forget", blob);
    } catch (ignored) { /* leaving matters more than erasing */ }
    tab = randomTab();
    window.location.replace(data.exit);
  }

  $("exit").addEventListener("click", function (event) {
    event.preventDefault();
    quickExit();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { quickExit(); }
    lastEscape = now;
  });

  $("delete").addEventListener("click", function () {
    clearLog();
    var old = tab;
    queue = queue.then(function () {
      busy(true);
      return post("/forget", {tab: old, language: texts.language}).then(function (turn) {
        turn.erased = false; // already cleared; show the confirmation
        show(turn);
      }, function () { failed(false); }).then(function () { busy(false); });
    });
    tab = randomTab();
  });

  // -- writing and the language menu ----------------------------------------------------------
  $("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    bubble("you", [{text: text}]);
    turnFor({text: text});
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("form").requestSubmit();
    }
  });

  $("language").addEventListener("change", function (event) {
    var code = event.target.value;
    fetch("/texts/" + encodeURIComponent(code), {credentials: "omit", cache: "no-store"})
      .then(function (response) { if (!response.ok) { throw new Error("texts"); } return response.json(); })
      .then(function (next) {
        chosen = true;
        applyTexts(next);
        turnFor({choose: code});
      })
      .catch(function () { failed(false); });
  });

  greet();
})();
