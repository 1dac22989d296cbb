import struct, sys, os
def boxes(b):
    k = 0
    while k < len(b):
        n = struct.unpack('>I', b[k:k+4])[0]
        yield b[k+4:k+8].decode(), b[k:k+n]
        k += n
src, dst, tid, mode = sys.argv[1:5]
if mode == 'join':
    out = open(dst, 'wb')
    out.write(open(f'{src}/{tid}/init.mp4', 'rb').read())
    n = 1
    while os.path.exists(f'{src}/{tid}/seg-{n:05d}.m4s'):
        for t, b in boxes(open(f'{src}/{tid}/seg-{n:05d}.m4s', 'rb').read()):
            if t in ('moof', 'mdat'): out.write(b)
        n += 1
else:
    os.makedirs(f'{dst}/{tid}', exist_ok=True)
    init, segs, cur = b'', [], b''
    for t, b in boxes(open(src, 'rb').read()):
        if t == 'moof':
            if cur: segs.append(cur)
            cur = b
        elif t == 'mdat': cur += b
        elif not segs and not cur: init += b
    segs.append(cur)
    open(f'{dst}/{tid}/init.mp4', 'wb').write(init)
    for i, s in enumerate(segs):
        open(f'{dst}/{tid}/seg-{i+1:05d}.m4s', 'wb').write(s)
    print(tid, len(init), [len(s) for s in segs])
