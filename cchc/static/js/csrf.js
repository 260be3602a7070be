// Send Django's CSRF token with every htmx request (the token cookie is HttpOnly,
// so it is read from the hidden input that forms on the page carry).
document.addEventListener("htmx:configRequest", function (event) {
  var input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) {
    event.detail.headers["X-CSRFToken"] = input.value;
  }
});
