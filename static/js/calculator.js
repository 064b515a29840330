/* Versus cost calculator: recomputes the monthly costs as the reader types.
   The form works without this script (the server computes the same numbers);
   here the arithmetic is exact too: prices arrive in millionths of a dollar and
   token counts are BigInts, so tokens x price is an exact count of 10^-12 dollars. */
(function () {
    "use strict";
    var form = document.querySelector("form[data-calculator]");
    if (!form || typeof BigInt !== "function") {
        return;
    }
    var PICO = BigInt("1000000000000");
    var MAX_TOKENS = BigInt("10000000000000");
    var outputs = document.querySelectorAll("output[data-cost]");
    var volumes = document.querySelector("[data-volumes]");
    var defaults = {
        input_tokens: BigInt(form.dataset.defaultInput),
        output_tokens: BigInt(form.dataset.defaultOutput)
    };

    function parse(text) {
        var cleaned = text.replace(/[,_\s]/g, "");
        if (cleaned === "") {
            return { value: null };
        }
        if (/^-\d+$/.test(cleaned)) {
            return { error: form.dataset.msgNegative };
        }
        if (!/^\d+$/.test(cleaned)) {
            return { error: form.dataset.msgInvalid };
        }
        if (cleaned.length > 14 || BigInt(cleaned) > MAX_TOKENS) {
            return { error: form.dataset.msgTooMany };
        }
        return { value: BigInt(cleaned) };
    }

    function grouped(digits) {
        return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    }

    // The server's money format: $7, $7.20, $0.0004, $1,250.
    function money(pico) {
        var whole = pico / PICO;
        var fraction = (pico % PICO).toString().padStart(12, "0").replace(/0+$/, "");
        if (fraction.length === 1) {
            fraction += "0";
        }
        return "$" + grouped(whole.toString()) + (fraction ? "." + fraction : "");
    }

    function showError(name, message) {
        var input = form.elements[name];
        var box = form.querySelector('[data-error-for="' + name + '"]');
        box.textContent = message || "";
        box.hidden = !message;
        if (message) {
            input.setAttribute("aria-invalid", "true");
        } else {
            input.removeAttribute("aria-invalid");
        }
    }

    function update() {
        var values = {};
        var valid = true;
        ["input_tokens", "output_tokens"].forEach(function (name) {
            var parsed = parse(form.elements[name].value);
            showError(name, parsed.error);
            if (parsed.error) {
                valid = false;
            } else {
                values[name] = parsed.value === null ? defaults[name] : parsed.value;
            }
        });
        outputs.forEach(function (output) {
            if (!output.hasAttribute("data-input-micro")) {
                return;
            }
            if (!valid) {
                output.textContent = "\u2014";
                return;
            }
            if (output.dataset.inputMicro === "0" && output.dataset.outputMicro === "0") {
                output.textContent = "Free";  // a zero price reads "free", as on the server
                return;
            }
            var pico = values.input_tokens * BigInt(output.dataset.inputMicro) +
                values.output_tokens * BigInt(output.dataset.outputMicro);
            output.textContent = money(pico);
        });
        if (volumes) {
            volumes.textContent = valid
                ? "for " + grouped(values.input_tokens.toString()) + " input and " +
                    grouped(values.output_tokens.toString()) + " output tokens"
                : "(fix the token volumes above)";
        }
    }

    form.addEventListener("input", update);
}());
