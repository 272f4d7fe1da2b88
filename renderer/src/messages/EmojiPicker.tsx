import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Search } from 'lucide-react';
import { t } from '../i18n';
import { loadEmojiCategories, searchEmoji, type EmojiCategory, type EmojiEntry } from './emoji-data';

const COLUMNS = 8;

interface EmojiPickerProps {
  onPick: (emoji: string) => void;
}

/**
 * The full picker: a search box, then every emoji by category. Arrow keys move through the
 * grid (one roving tab stop), Enter picks, typing in the box filters by name and keyword.
 */
export function EmojiPicker({ onPick }: EmojiPickerProps) {
  const [categories, setCategories] = useState<EmojiCategory[] | null>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    void loadEmojiCategories().then((c) => live && setCategories(c));
    return () => {
      live = false;
    };
  }, []);

  const sections = useMemo((): { id: string; label: string; emojis: EmojiEntry[] }[] => {
    if (!categories) return [];
    if (!query.trim()) return categories;
    return [{ id: 'results', label: t('emoji.results'), emojis: searchEmoji(categories, query) }];
  }, [categories, query]);
  const total = sections.reduce((n, s) => n + s.emojis.length, 0);

  const focusCell = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    setActive(next);
    grid.current?.querySelector<HTMLButtonElement>(`[data-index="${next}"]`)?.focus();
  };

  const onGridKey = (e: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[e.key];
    if (step !== undefined) {
      e.preventDefault();
      focusCell(active + step);
    } else if (e.key === 'Home') focusCell(0);
    else if (e.key === 'End') focusCell(total - 1);
  };

  let index = 0;
  return (
    <div className="emoji-picker">
      <label className="search-box emoji-search">
        <Search size={15} aria-hidden="true" />
        <input
          autoFocus
          value={query}
          placeholder={t('emoji.search')}
          aria-label={t('emoji.search')}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              focusCell(0);
            } else if (e.key === 'Enter' && total > 0) {
              e.preventDefault();
              const first = sections.find((s) => s.emojis.length > 0)?.emojis[0];
              if (first) onPick(first.native);
            }
          }}
        />
      </label>
      <div className="emoji-grid-scroll" ref={grid} onKeyDown={onGridKey}>
        {!categories && <div className="emoji-empty">{t('common.loading')}</div>}
        {categories && total === 0 && <div className="emoji-empty">{t('emoji.none')}</div>}
        {sections.map((section) =>
          section.emojis.length === 0 ? null : (
            <div key={section.id} role="group" aria-label={section.label}>
              <div className="emoji-category" aria-hidden="true">
                {section.label}
              </div>
              <div className="emoji-grid">
                {section.emojis.map((e) => {
                  const i = index++;
                  return (
                    <button
                      key={e.id}
                      type="button"
                      className="emoji-cell"
                      data-index={i}
                      tabIndex={i === active ? 0 : -1}
                      aria-label={e.name}
                      title={e.name}
                      onClick={() => onPick(e.native)}
                      onFocus={() => setActive(i)}
                    >
                      {e.native}
                    </button>
                  );
                })}
              </div>
            </div>
          ),
        )}
      </div>
    </div>
  );
}
