/* Versus model picker: turns each text box marked data-combobox into a
   type-ahead combobox (WAI-ARIA Authoring Practices, "editable combobox with
   list autocomplete"): role=combobox on the box itself, a listbox popup of the
   best matches from /search/suggest.json, aria-activedescendant for the
   highlighted option, Down/Up to move, Enter to choose, Escape to close (or
   clear).
   Without this script the box sends what the reader typed and the server finds
   the model. With it, the box's name moves to a hidden input that carries the
   chosen model's slug, or, when nothing was chosen, the text as typed, so the
   server reads one form either way. */
(function () {
    "use strict";
    var DELAY = 120;

    function enhance(input) {
        var endpoint = input.dataset.combobox;
        var id = input.id;
        var listId = id + "-listbox";
        var statusId = id + "-status";

        var wrapper = document.createElement("div");
        wrapper.className = "combobox";

        input.classList.add("combobox-input");
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", listId);

        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = input.name;
        // The server named the model this box shows: keep sending its slug.
        hidden.value = input.dataset.slug || "";
        input.removeAttribute("name");

        var list = document.createElement("ul");
        list.id = listId;
        list.className = "combobox-listbox";
        list.setAttribute("role", "listbox");
        var label = document.querySelector("label[for='" + id + "']");
        if (label) {
            if (!label.id) {
                label.id = id + "-label";
            }
            list.setAttribute("aria-labelledby", label.id);
        }
        list.hidden = true;

        var status = document.createElement("span");
        status.id = statusId;
        status.className = "visually-hidden";
        status.setAttribute("role", "status");

        input.parentNode.insertBefore(wrapper, input);
        wrapper.appendChild(input);
        wrapper.appendChild(list);
        wrapper.appendChild(hidden);
        wrapper.appendChild(status);

        var results = [];
        var active = -1;
        var timer = null;
        var asked = 0;

        function open() {
            list.hidden = results.length === 0;
            input.setAttribute("aria-expanded", results.length ? "true" : "false");
        }

        function close() {
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function highlight(index) {
            var options = list.querySelectorAll("[role='option']");
            active = index;
            options.forEach(function (option, position) {
                option.setAttribute("aria-selected", position === index ? "true" : "false");
            });
            if (index >= 0 && options[index]) {
                input.setAttribute("aria-activedescendant", options[index].id);
                options[index].scrollIntoView({ block: "nearest" });
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function choose(index) {
            var result = results[index];
            if (!result) {
                return;
            }
            input.value = result.name;
            hidden.value = result.slug;
            input.removeAttribute("aria-invalid");
            close();
            status.textContent = result.name + " chosen.";
        }

        function render() {
            // The list now answers the text in the box (aria-busy was set on input).
            list.setAttribute("aria-busy", "false");
            list.textContent = "";
            results.forEach(function (result, index) {
                var option = document.createElement("li");
                option.id = id + "-option-" + index;
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.className = "combobox-option";
                var name = document.createElement("span");
                name.textContent = result.name;
                option.appendChild(name);
                if (result.detail) {
                    var detail = document.createElement("span");
                    detail.className = "muted";
                    detail.textContent = " " + result.detail;
                    option.appendChild(detail);
                }
                // mousedown, not click: the input keeps focus, so no blur closes first.
                option.addEventListener("mousedown", function (event) {
                    event.preventDefault();
                    choose(index);
                });
                list.appendChild(option);
            });
            active = -1;
            input.removeAttribute("aria-activedescendant");
            status.textContent = results.length
                ? results.length + (results.length === 1 ? " model" : " models") +
                  " found; use the arrow keys to choose."
                : (input.value.trim() ? "No model matches." : "");
            open();
        }

        function suggest() {
            var query = input.value.trim();
            if (!query) {
                results = [];
                render();
                return;
            }
            asked += 1;
            var ticket = asked;
            var url = endpoint + "?kind=model&q=" + encodeURIComponent(query.slice(0, 100));
            fetch(url, { headers: { Accept: "application/json" } })
                .then(function (response) {
                    return response.ok ? response.json() : { results: [] };
                })
                .then(function (body) {
                    // An older answer arriving late must not replace a newer one.
                    if (ticket !== asked) {
                        return;
                    }
                    results = body.results || [];
                    render();
                })
                .catch(function () {
                    if (ticket !== asked) {
                        return;
                    }
                    results = [];
                    render();
                });
        }

        input.addEventListener("input", function () {
            hidden.value = "";
            // Until the suggestions for this text arrive, the list is out of date,
            // and an answer already on its way is for older text: retire its ticket.
            list.setAttribute("aria-busy", "true");
            asked += 1;
            clearTimeout(timer);
            timer = setTimeout(suggest, DELAY);
        });

        input.addEventListener("keydown", function (event) {
            var expanded = input.getAttribute("aria-expanded") === "true";
            switch (event.key) {
            case "ArrowDown":
                event.preventDefault();
                if (!expanded) {
                    if (results.length) {
                        open();
                        highlight(0);
                    } else {
                        suggest();
                    }
                } else {
                    highlight((active + 1) % results.length);
                }
                break;
            case "ArrowUp":
                event.preventDefault();
                if (!expanded && results.length) {
                    open();
                    highlight(results.length - 1);
                } else if (expanded) {
                    highlight(active <= 0 ? results.length - 1 : active - 1);
                }
                break;
            case "Enter":
                if (expanded && active >= 0) {
                    event.preventDefault();
                    choose(active);
                } else if (expanded && results.length && !hidden.value) {
                    // Enter on typed text takes the best match, as a search box would.
                    event.preventDefault();
                    choose(0);
                }
                break;
            case "Escape":
                if (expanded) {
                    event.preventDefault();
                    close();
                } else if (input.value) {
                    event.preventDefault();
                    input.value = "";
                    hidden.value = "";
                }
                break;
            case "Tab":
                close();
                break;
            default:
                break;
            }
        });

        input.addEventListener("blur", function () {
            close();
        });

        input.form.addEventListener("submit", function () {
            // Typed but not chosen: the server finds the model, or offers the
            // closest ones when the text names none.
            if (!hidden.value) {
                hidden.value = input.value.trim();
            }
        });
    }

    // Boxes already enhanced have role=combobox; the script may be on a page twice.
    document.querySelectorAll("input[data-combobox]:not([role])").forEach(enhance);
}());
