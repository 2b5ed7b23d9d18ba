/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** GraphQL endpoint of the hub; default the same origin's /graphql */
  readonly VITE_API_URL?: string;
}
