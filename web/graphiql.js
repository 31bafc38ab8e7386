// GraphiQL on `GET /graphql`, from files this server serves (web/vendor/graphiql): no CDN.
// Requests go to /graphql with the dashboard's token when this browser tab has one (the same
// sessionStorage key as api.js); otherwise set `Authorization` in the headers tab.

const token = sessionStorage.getItem("teacher-registry.token");
const fetcher = GraphiQL.createFetcher({
  url: "/graphql",
  headers: token ? { Authorization: `Bearer ${token}` } : {},
});

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: "{\n  me {\n    username\n    role\n  }\n}\n",
    defaultEditorToolsVisibility: !token,
    headers: token ? undefined : '{\n  "Authorization": "Bearer trg_…"\n}',
  }),
);
