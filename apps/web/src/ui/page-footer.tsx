import { Button } from './button.tsx';

/** What PageFooter needs of a paged (infinite) query. */
export interface PagedQuery {
  readonly data: { readonly pages: readonly { readonly total: number }[] } | undefined;
  readonly hasNextPage: boolean;
  readonly isFetchingNextPage: boolean;
  fetchNextPage(): Promise<unknown>;
}

/** The foot of a list paged backwards: "40 of 120 fills" and the button for the next older page. */
export function PageFooter({ query, shown, noun }: { query: PagedQuery; shown: number; noun: string }) {
  const total = query.data?.pages[0]?.total;
  return (
    <div className="flex items-center justify-between border-t border-line px-3 py-1.5 text-dim">
      <span>
        {shown}
        {total !== undefined ? ` of ${total}` : ''} {noun}
      </span>
      {query.hasNextPage ? (
        <Button size="sm" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          Load older
        </Button>
      ) : null}
    </div>
  );
}
