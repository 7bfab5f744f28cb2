"""Tiny fake dataset files in each dataset's real format, for the tests of
scripts/training_data.py and scripts/train_bundled.py."""

from __future__ import annotations

from pathlib import Path

from scripts import training_data as td


def write(root: Path, relative: str, content: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


DAVIDSON = """,count,hate_speech,offensive_language,neither,class,tweet
0,3,0,0,3,2,!!! RT @someone: Tidy your room &amp; take the bins out...
1,3,0,3,0,1,!!!!! RT @other: that is a load of crap mate
2,3,1,2,0,1,"!!!!!!!!! RT @third: ""quoted"" rude words here"
3,3,3,0,0,0,made up hateful tweet about a group &#8220;them&#8221;
4,3,0,0,3,9,bad class value
5,three,0,0,3,2,bad count is fine but vote is read
6,3,x,0,3,2,bad vote count
"""


JIGSAW = (
    '"id","comment_text","toxic","severe_toxic","obscene","threat","insult","identity_hate"\n'
    '"0000aaaa","Thanks for fixing the\nreference.",0,0,0,0,0,0\n'
    '"0000bbbb","made up rude threatening insult",1,1,1,1,1,1\n'
    '"0000cccc","bad value",1,0,0,0,0,2\n'
    '"0000dddd","short row",1,0\n'
)


COMMENTS = """comment_id,comment_text
100,You're an idiot and a fool.
200,"I will find you,
and you will regret it."
300,This comment only appears in comments.csv
400,Nobody annotated this one
"""


ANNOTATIONS = """annotation,comment_id,worker,country,all toxic,not toxic
0,100,1,USA,False,False
1,100,2,USA,False,False
2,100,3,USA,False,True
3,200,4,USA,False,False
4,200,5,VEN,True,True
5,200,6,USA,False,False
6,300,7,USA,False,False
"""


SPANS = """annotation,type,start,end
0,Insult,13,19
0,Profane/Obscene,26,30
1,Insult,13,19
3,Threat,0,20
5,Threat,0,20
5,Identity based Attack,0,4
6,Other Toxicity,0,4
"""


TSD_TRAIN = """spans,text
"[13, 14, 15, 16, 17, 18]",You're an idiot and a fool.
"[0, 1, 2]","I will find you,
and you will regret it."
"""


def spans_root(tmp_path: Path, with_annotations: bool = True) -> Path:
    folder = td.SPANS_DIR
    write(tmp_path, f"{folder}/tsd_train.csv", TSD_TRAIN)
    write(tmp_path, f"{folder}/tsd_trial.csv", "spans,text\n")
    if with_annotations:
        write(tmp_path, f"{folder}/comments.csv", COMMENTS)
        write(tmp_path, f"{folder}/annotations.csv", ANNOTATIONS)
        write(tmp_path, f"{folder}/spans.csv", SPANS)
    return tmp_path
