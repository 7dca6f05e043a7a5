import { useEffect, useState, DragEvent } from 'react';

interface Props {
  label: string;
  multiple?: boolean;
  accept?: string;
  onFiles: (files: File[]) => void;
}

export function ImagePicker({ label, multiple = false, accept = 'image/*', onFiles }: Props) {
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length) onFiles(multiple ? files : files.slice(0, 1));
  };
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label>
        {label}
        <input
          type="file"
          accept={accept}
          multiple={multiple}
          onChange={(e) => onFiles(Array.from(e.target.files || []))}
        />
      </label>
      <p className="hint">or drop {multiple ? 'files' : 'an image'} here</p>
    </div>
  );
}

export function usePreview(file?: File): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!file || typeof URL.createObjectURL !== 'function') return undefined;
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url;
}
