// GraphiQL on `GET /graphql`, from files this server serves (web/vendor/graphiql): no CDN.
// Requests go to /graphql with the dashboard's token when this browser tab has one (the same
// sessionStorage key as api.js); otherwise set `Authorization` in the headers tab.

const token = sessionStorage.getItem("teacher-registry.token");

// GraphiQL's own introspection query follows type references nine levels deep, past the
// server's query depth limit (`--max-depth`, 12). This one asks the same, five levels deep,
// which spells every type this schema has (the deepest is `[X!]!`).
const TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }";
const INPUT_VALUE = `name description type { ${TYPE_REF} } defaultValue isDeprecated deprecationReason`;
const INTROSPECTION = `query IntrospectionQuery {
  __schema {
    description
    queryType { name } mutationType { name } subscriptionType { name }
    types {
      kind name description specifiedByURL
      fields(includeDeprecated: true) {
        name description args(includeDeprecated: true) { ${INPUT_VALUE} }
        type { ${TYPE_REF} } isDeprecated deprecationReason
      }
      inputFields(includeDeprecated: true) { ${INPUT_VALUE} }
      interfaces { ${TYPE_REF} }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      possibleTypes { ${TYPE_REF} }
    }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ${INPUT_VALUE} } }
  }
}`;

const plain = GraphiQL.createFetcher({
  url: "/graphql",
  headers: token ? { Authorization: `Bearer ${token}` } : {},
});
const fetcher = (params, options) =>
  plain(params.operationName === "IntrospectionQuery" ? { ...params, query: INTROSPECTION } : params, options);

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: "{\n  me {\n    username\n    role\n  }\n}\n",
    defaultEditorToolsVisibility: !token,
    headers: token ? undefined : '{\n  "Authorization": "Bearer TOKEN"\n}',
  }),
);
