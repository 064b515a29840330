/* Versus model picker: turns each <select data-combobox> into a type-ahead
   combobox (WAI-ARIA Authoring Practices, "editable combobox with list
   autocomplete"): a text box with role=combobox, a listbox popup of the best
   matches from /search/suggest.json, aria-activedescendant for the highlighted
   option, Down/Up to move, Enter to choose, Escape to close (or clear).
   Without this script the <select> works as it is; with it, the chosen slug
   travels in a hidden input under the select's name, so the server sees the
   same form either way. */
(function () {
    "use strict";
    var DELAY = 120;
    var counter = 0;

    function enhance(select) {
        var endpoint = select.dataset.combobox;
        var id = select.id;
        var listId = id + "-listbox";
        var statusId = id + "-status";
        counter += 1;

        var wrapper = document.createElement("div");
        wrapper.className = "combobox";

        var input = document.createElement("input");
        input.type = "text";
        input.id = id;
        input.className = "combobox-input";
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", listId);
        input.setAttribute("autocomplete", "off");
        input.setAttribute("autocapitalize", "off");
        input.setAttribute("spellcheck", "false");
        input.placeholder = select.dataset.placeholder || "Type a model's name";
        ["aria-invalid", "aria-describedby"].forEach(function (name) {
            if (select.hasAttribute(name)) {
                input.setAttribute(name, select.getAttribute(name));
            }
        });
        if (select.required) {
            input.required = true;
        }

        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = select.name;

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

        var chosen = select.options[select.selectedIndex];
        if (chosen && chosen.value) {
            hidden.value = chosen.value;
            input.value = chosen.dataset.name || chosen.textContent;
        }

        wrapper.appendChild(input);
        wrapper.appendChild(list);
        wrapper.appendChild(hidden);
        wrapper.appendChild(status);
        select.parentNode.replaceChild(wrapper, select);

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
                    results = [];
                    render();
                });
        }

        input.addEventListener("input", function () {
            hidden.value = "";
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

        input.form.addEventListener("submit", function (event) {
            if (hidden.value || !input.value.trim()) {
                return;
            }
            // Typed but not chosen: take the best match if there is one.
            if (results.length) {
                choose(0);
                return;
            }
            event.preventDefault();
            input.setAttribute("aria-invalid", "true");
            status.textContent = "Choose a model from the list.";
            input.focus();
        });
    }

    document.querySelectorAll("select[data-combobox]").forEach(enhance);
}());
