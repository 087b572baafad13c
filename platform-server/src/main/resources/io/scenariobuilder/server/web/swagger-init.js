// Swagger UI on the server's OpenAPI document. "Authorize" takes an API key (Bearer); nothing is kept after the tab.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false,
});
