// A page that no content file feeds: it must stay cached whatever the action revalidates.
export default function Home() {
  return <h1>e2e site home</h1>;
}
